// One page of a multi-page storefront: the balance and the first product page, through a client with
// crossTab({ persist }) (unless ?persist=0) and staleWhileRevalidate. It records, in order, each response as it
// arrives (the client's fetch resolving) and each value as it is put on screen: window.__log.
import { createClient, crossTab, getBalance, listProducts, staleWhileRevalidate } from '/cdn/stateset.js';

// ?at=<ms since the epoch>: the page's clock starts there (a simulated clock for engines whose automation has none;
// Chromium's tests use playwright's page.clock instead). Set before any call: the library reads Date.now per call.
const at = Number(new URLSearchParams(location.search).get('at'));
if (at) {
  const skew = at - Date.now();
  const realNow = Date.now;
  Date.now = () => realNow() + skew;
}
const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
const log = (window.__log = []);
const persist = new URLSearchParams(location.search).get('persist') !== '0';
const logged = async (input, init) => {
  const response = await fetch(input, init);
  log.push(`response ${new URL(response.url).pathname}`);
  return response;
};
const client = createClient({
  publishableKey: meta('stateset-key'), apiBase: meta('stateset-api-base'), fetch: logged,
  share: crossTab({ persist }), cache: { swr: staleWhileRevalidate() },
});
const shown = (what, run) => run().then(() => log.push(`shown ${what}`), (error) => log.push(`error ${what} ${error.code}`));
void shown('balance', async () => {
  const [first] = (await getBalance(client)).available;
  document.getElementById('balance').textContent = `${first.amount} ${first.currency}`;
});
void shown('products', async () => {
  const { data } = await listProducts(client);
  document.getElementById('products').replaceChildren(...data.map((product) => Object.assign(document.createElement('li'), { textContent: product.name })));
});
