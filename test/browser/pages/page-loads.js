// One page of a multi-page storefront: the balance and the first product page, through a client with
// crossTab({ persist }) (unless ?persist=0) and staleWhileRevalidate. It records, in order, each response as it
// arrives (the client's fetch resolving) and each value as it is put on screen: window.__log.
import { createClient, crossTab, getBalance, listProducts, staleWhileRevalidate } from '/cdn/stateset.js';

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
