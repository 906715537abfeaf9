// Runs after the integrity-checked CDN <script> (module scripts run in document order). When it
// loaded, importing the same URL reuses that module (no second fetch); when it was refused, the
// page does not use it at all.
const tag = document.getElementById('cdn');
const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
const out = document.getElementById('balance');
if (document.documentElement.dataset.cdn !== 'loaded') {
  out.dataset.state = 'blocked';
  out.textContent = 'The CDN file was blocked.';
} else {
  const lib = await import(tag.src);
  const balance = await lib.getBalance(lib.createClient({ publishableKey: meta('stateset-key'), apiBase: meta('stateset-api-base') }));
  out.textContent = `${balance.available[0].amount} ${balance.available[0].currency.toUpperCase()}`;
  out.dataset.state = 'loaded';
}
