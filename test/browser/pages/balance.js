// A storefront's own module: imports the CDN build and shows the balance with textContent only.
import { createClient, getBalance } from '/cdn/stateset.js';

const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
const out = document.getElementById('balance');
try {
  const client = createClient({ publishableKey: meta('stateset-key'), apiBase: meta('stateset-api-base') });
  const balance = await getBalance(client);
  const [first] = balance.available;
  out.textContent = `${first.amount} ${first.currency.toUpperCase()}`;
  out.dataset.state = 'loaded';
} catch (error) {
  Object.assign(out.dataset, { state: 'error', name: error.name, code: error.code });
  out.textContent = error.message;
}
