/**
 * Deterministic fixtures of the stand-in API: the product catalogue, account balances derived from
 * the API key and account id, and stablecoin balances derived from the address.
 */

export interface Variant {
  id: string;
  name: string;
  sku: string;
}

export interface Product {
  id: string;
  object: 'product';
  name: string;
  description: string;
  status: 'active' | 'archived';
  /** Unix seconds. */
  created: number;
  price: { amount: number; currency: 'ssusd' };
  images: string[];
  variants: Variant[];
}

/** The hostile markup that exactly one product name contains (for XSS tests). */
export const HOSTILE_MARKUP = '<img src=x onerror=alert(1)>';

/** [name, price, variant names, description], oldest first. */
const catalogue: Array<[string, number, string[], string]> = [
  ['Organic Cotton Tee', 28, ['S', 'M', 'L', 'XL'], 'A midweight crew-neck tee in GOTS-certified organic cotton.'],
  ['Merino Wool Beanie', 34, ['Charcoal', 'Oatmeal'], 'Fine-rib beanie knitted from mulesing-free merino.'],
  ['Recycled Canvas Tote', 22.5, ['Natural'], 'Roomy tote sewn from post-consumer recycled canvas.'],
  ['Bamboo Toothbrush Set', 12, ['4-pack'], 'Four compostable bamboo toothbrushes with soft bristles.'],
  ['Ceramic Pour-Over Dripper', 38, ['White', 'Sand'], 'Hand-glazed dripper for a clean, bright cup.'],
  ['Cold Brew Coffee Kit', 45, ['1 L'], 'Glass carafe with a fine mesh filter for overnight cold brew.'],
  ['Stainless Steel Water Bottle', 32, ['500 ml', '750 ml'], 'Double-wall insulated bottle that keeps drinks cold for 24 hours.'],
  ['Linen Button-Down Shirt', 89, ['S', 'M', 'L'], 'Breathable European flax linen, garment washed for softness.'],
  ['Waxed Canvas Backpack', 148, ['Olive', 'Navy'], 'Water-resistant 20 L daypack with a padded laptop sleeve.'],
  ['Cork Yoga Mat', 79, ['Standard'], 'Natural cork surface that grips better as you sweat.'],
  ['Hemp Crew Socks', 14.5, ['S/M', 'L/XL'], 'Cushioned crew socks in a hemp and organic cotton blend.'],
  ['Beeswax Food Wraps', 18, ['3-pack'], 'Reusable wraps that replace plastic film in the kitchen.'],
  ['Cast Iron Skillet', 65, ['10 in', '12 in'], 'Pre-seasoned skillet that lasts generations.'],
  ['Hand-Thrown Stoneware Mug', 26, ['Speckled', 'Slate'], 'Each mug thrown by hand; no two are alike.'],
  ['Alpaca Throw Blanket', 189, ['Grey', 'Camel'], 'Ethically sourced baby alpaca, woven in Peru.'],
  ['Leather Card Wallet', 55, ['Tan', 'Black'], 'Vegetable-tanned leather, four card slots and a cash pocket.'],
  ['Denim Chore Jacket', 158, ['S', 'M', 'L', 'XL'], 'Selvedge denim workwear jacket with three patch pockets.'],
  ['Wool Runner Sneakers', 110, ['8', '9', '10', '11'], 'Everyday sneakers with a merino upper and sugarcane sole.'],
  ['Soy Wax Candle', 24, ['Cedar', 'Fig'], 'Hand-poured soy candle with a cotton wick, 50-hour burn.'],
  ['Single-Origin Espresso Beans', 19.75, ['250 g', '1 kg'], 'Washed Ethiopian beans roasted for espresso.'],
  ['Matcha Starter Set', 62, ['Standard'], 'Ceremonial-grade matcha with a bamboo whisk and bowl.'],
  ['Walnut Cutting Board', 72, ['Medium', 'Large'], 'End-grain black walnut board, finished with food-safe oil.'],
  ['Glass Meal Prep Containers', 39.99, ['5-pack'], 'Oven-safe borosilicate glass with leak-proof lids.'],
  ['Organic Cotton Hoodie', 84, ['S', 'M', 'L', 'XL'], 'Brushed-back fleece hoodie in organic cotton.'],
  ['Fleece Quarter-Zip', 96, ['S', 'M', 'L'], 'Recycled polyester fleece pullover for cool mornings.'],
  ['Rain Shell Jacket', 175, ['S', 'M', 'L'], 'Packable, seam-sealed shell with a PFC-free finish.'],
  ['Trail Running Shorts', 48, ['S', 'M', 'L'], 'Lightweight shorts with a zip pocket and built-in liner.'],
  ['Insulated Lunch Tote', 29, ['Forest', 'Rust'], 'Keeps lunch cool for six hours; wipe-clean lining.'],
  ['Wireless Charging Pad', 35, ['Black', 'White'], '15 W Qi charger wrapped in recycled fabric.'],
  ['Noise-Cancelling Earbuds', 149, ['Black'], 'Active noise cancelling with 8 hours of playback.'],
  ['Solar Power Bank', 58, ['10,000 mAh'], 'Rugged power bank with a fold-out solar panel.'],
  ['Mechanical Keyboard', 129, ['Tactile', 'Linear'], 'Hot-swappable 75% keyboard with PBT keycaps.'],
  ['Ergonomic Seat Cushion', 44, ['Standard'], 'Memory-foam cushion that relieves lower-back pressure.'],
  ['Recycled Notebook Trio', 21, ['Dotted', 'Lined'], 'Three A5 notebooks made from 100% recycled paper.'],
  ['Brass Fountain Pen', 68, ['Fine', 'Medium'], 'Solid brass pen that develops a patina over time.'],
  ['Houseplant Care Kit', 33, ['Standard'], 'Mister, pruning snips and organic plant food.'],
  ['Terracotta Planter', 27, ['Small', 'Large'], 'Unglazed terracotta pot with a matching saucer.'],
  ['Reusable Produce Bags', 16, ['6-pack'], 'Mesh bags for fruit and vegetables, machine washable.'],
  ['Mulberry Silk Sleep Mask', 39, ['Champagne', 'Midnight'], '22-momme mulberry silk with an adjustable strap.'],
  ['Lavender Body Oil', 31, ['100 ml'], 'Cold-pressed jojoba oil infused with French lavender.'],
  ['Mineral Sunscreen SPF 30', 23, ['50 ml'], 'Reef-friendly zinc oxide sunscreen, fragrance free.'],
  ['Digital Gift Card', 50, ['$25', '$50', '$100'], 'Delivered by email, never expires.'],
  ['Heavyweight Pocket Tee', 36, ['S', 'M', 'L', 'XL'], 'A boxy 300 gsm tee with a chest pocket.'],
  ["Kids' Rain Boots", 42, ['10', '11', '12', '13'], 'Natural rubber boots with easy pull-on handles.'],
  [`Sticker Pack ${HOSTILE_MARKUP}`, 8, ['Standard'], 'Twelve vinyl stickers. The name carries markup to test escaping.'],
];

/** mulberry32: a tiny seeded PRNG, so ids and dates are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function makeId(prefix: string, random: () => number): string {
  let id = prefix;
  for (let i = 0; i < 14; i++) id += ALPHANUMERIC[Math.floor(random() * ALPHANUMERIC.length)];
  return id;
}

function sku(name: string, variant: string): string {
  const initials = name.replace(/<[^>]*>/g, '').replace(/[^A-Za-z ]/g, '').split(' ').filter(Boolean).map((w) => w[0]).join('').toUpperCase();
  return `${initials}-${variant.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`;
}

function buildProducts(): Product[] {
  const random = prng(0x5747e5e7);
  const first = Date.UTC(2023, 0, 1) / 1000;
  const last = Date.UTC(2025, 11, 31) / 1000;
  const step = Math.floor((last - first) / catalogue.length);
  const built = catalogue.map(([name, amount, variantNames, description], i): Product => {
    const id = makeId('prod_', random);
    return {
      id,
      object: 'product',
      name,
      description,
      status: i % 7 === 3 ? 'archived' : 'active',
      // Spread over 2023-2025, strictly increasing so the sort order is unambiguous.
      created: first + i * step + Math.floor(random() * (step / 2)),
      price: { amount, currency: 'ssusd' },
      images: [`https://cdn.stateset.com/images/products/${id}.jpg`],
      variants: variantNames.map((v) => ({ id: makeId('var_', random), name: v, sku: sku(name, v) })),
    };
  });
  return built.reverse();
}

/** All products, newest first. */
export const products: readonly Product[] = buildProducts();

/** FNV-1a: a small stable hash for deriving amounts from keys, accounts and addresses. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The account balance served for a key and optional `X-Account-Id`; the ssusd amount depends on both. */
export function accountBalance(key: string, accountId: string | undefined) {
  const h = hash(`${key}|${accountId ?? ''}`);
  return {
    object: 'balance' as const,
    livemode: key.split('_')[1] === 'live',
    // Realistic mix of forms: a decimal number and a decimal string.
    available: [
      { amount: (h % 10_000_000) / 100, currency: 'ssusd' },
      { amount: '20.00', currency: 'usdc' },
    ],
    pending: [{ amount: (hash(`pending|${key}|${accountId ?? ''}`) % 50_000) / 100, currency: 'ssusd' }],
  };
}

/** Formats micro-units (6 decimals) as a decimal string, e.g. 1250000000 -> '1250.000000'. */
function micro(units: number): string {
  return `${Math.floor(units / 1e6)}.${String(units % 1e6).padStart(6, '0')}`;
}

/** The stablecoin balance of an address; `total` includes `pending` only when asked to. */
export function stablecoinBalance(address: string, includePending: boolean) {
  const available = hash(`available|${address}`) % 10_000_000_000;
  const pending = hash(`pending|${address}`) % 100_000_000;
  const locked = hash(`locked|${address}`) % 500_000_000;
  return {
    address,
    balances: {
      available: micro(available),
      pending: micro(pending),
      locked: micro(locked),
      total: micro(available + locked + (includePending ? pending : 0)),
    },
  };
}
