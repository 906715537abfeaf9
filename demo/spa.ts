/**
 * The catalogue SPA: the npm way in. Vite bundles `@stateset/browser` (here `../src/index.js`) and the widget
 * entry; products are paged with `starting_after` / `ending_before`, every name rendered as text.
 */
import { createClient, isStateSetError, listProducts, type List, type Product } from '../src/index.js';
import '../src/widget/index.js'; // `import '@stateset/browser/widget'` in an app: defines <stateset-balance>

/** The stand-in API's URL, set by the demo server (Vite `define`). Against the real API, leave `apiBase` out. */
declare const __STATESET_API_BASE__: string;

const publishableKey = 'pk_test_fernwoodDemo';
const client = createClient({ publishableKey, apiBase: __STATESET_API_BASE__ });
const limit = 8;
const money = new Intl.NumberFormat(document.documentElement.lang, { style: 'currency', currency: 'USD' });
const date = new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: 'medium' });

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const grid = byId<HTMLDivElement>('products');
const status = byId<HTMLParagraphElement>('page-status');
const previous = byId<HTMLButtonElement>('previous');
const next = byId<HTMLButtonElement>('next');

// The same widget as the no-code page, here from the npm entry, sharing nothing but the key.
const balance = document.createElement('stateset-balance');
balance.setAttribute('publishable-key', publishableKey);
balance.setAttribute('api-base', __STATESET_API_BASE__);
balance.setAttribute('label', 'Store credit');
byId('header-balance').append(balance);

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text; // data goes in as text, never as markup
  return node;
}

function card(product: Product): HTMLElement {
  const article = element('article', 'card product');
  const initials = product.name.replace(/[^A-Za-z ]/g, '').split(' ').filter(Boolean).slice(0, 2).map((word) => word[0]).join('');
  const swatch = element('div', 'swatch', initials);
  swatch.setAttribute('aria-hidden', 'true');
  swatch.style.setProperty('--hue', String([...product.id].reduce((hue, char) => (hue * 31 + char.charCodeAt(0)) % 360, 7)));
  const meta = element('div', 'meta');
  meta.append(element('span', 'price', money.format(Number(product.price.amount))), element('span', `badge ${product.status}`, product.status));
  const created = product.created === undefined ? '' : `Added ${date.format(new Date(product.created * 1000))}`;
  article.append(swatch, element('h3', '', product.name), meta, element('span', 'muted', created));
  return article;
}

let page = 1;
let current: List<Product> | undefined;
let inFlight: AbortController | undefined;
/** Whether a previous and a next page exist, from the last page shown. */
let edges = { previous: false, next: false };

/** Loads a page; a newer click cancels the request of an older one. On failure the last page stays. */
async function show(params: { starting_after?: string; ending_before?: string }, number: number): Promise<void> {
  inFlight?.abort();
  const controller = (inFlight = new AbortController());
  grid.classList.add('loading');
  previous.disabled = next.disabled = true;
  status.className = 'muted';
  status.textContent = `Loading page ${number}…`;
  try {
    const list = await listProducts(client, { limit, ...params }, { signal: controller.signal });
    current = list;
    page = number;
    grid.replaceChildren(...list.data.map(card));
    // Going forward, has_more says whether there is a next page; going back, whether there is a previous one.
    const backwards = params.ending_before !== undefined;
    edges = { previous: page > 1 && (!backwards || list.has_more), next: backwards || list.has_more };
    status.textContent = `Page ${page} · ${list.data.length} products`;
  } catch (error) {
    if (controller.signal.aborted) return;
    status.className = 'notice';
    status.textContent = isStateSetError(error) ? `Could not load page ${number}: ${error.message} (${error.code})` : String(error);
  }
  grid.classList.remove('loading');
  previous.disabled = !edges.previous;
  next.disabled = !edges.next;
}

next.addEventListener('click', () => {
  const last = current?.data.at(-1);
  if (last) void show({ starting_after: last.id }, page + 1);
});
previous.addEventListener('click', () => {
  const first = current?.data[0];
  if (first) void show({ ending_before: first.id }, page - 1);
});
void show({}, 1);
