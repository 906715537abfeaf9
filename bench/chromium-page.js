// Runs in Chromium (served by bench/chromium.ts): cost per call of a cache miss, ours vs plain ky vs plain fetch.
// Plain JavaScript: the page imports it as is. `/stateset.js` and `/ky.js` are bundles of src/ and of ky.

/** Mean of the middle 80 % (a browser's timer is coarse, 0.1 ms: a median would land on its steps). */
const trimmedMean = (values) => {
  const middle = [...values].sort((a, b) => a - b).slice(Math.floor(values.length * 0.1), Math.ceil(values.length * 0.9));
  return middle.reduce((sum, value) => sum + value, 0) / middle.length;
};

/** Interleaves the calls one by one, each first in turn; returns the trimmed mean per call in ms. */
async function timeEach(calls, rounds) {
  const entries = Object.entries(calls);
  for (const [, call] of entries) for (let index = 0; index < 30; index++) await call(); // warm up
  const samples = entries.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let turn = 0; turn < entries.length; turn++) {
      const which = (round + turn) % entries.length;
      const start = performance.now();
      await entries[which][1]();
      samples[which].push(performance.now() - start);
    }
  }
  return Object.fromEntries(entries.map(([name], index) => [name, trimmedMean(samples[index])]));
}

/** Times block of `size` calls (the timer's steps are too coarse for one call without the network). */
async function timeBlocks(calls, rounds, size) {
  const blocks = Object.fromEntries(Object.entries(calls).map(([name, call]) => [name, async () => {
    for (let index = 0; index < size; index++) await call();
  }]));
  const means = await timeEach(blocks, rounds);
  return Object.fromEntries(Object.entries(means).map(([name, ms]) => [name, ms / size]));
}

export async function run(apiBase, key) {
  const stateset = await import('/stateset.js');
  const { default: ky } = await import('/ky.js');
  const url = `${apiBase}/account/balance`;
  const headers = { Authorization: `Bearer ${key}`, Accept: 'application/json' };
  const unpaced = { perSecond: 1e9, burst: 1e9 }; // the pacer runs but never waits
  const client = stateset.createClient({ publishableKey: key, apiBase, rateLimit: unpaced });
  const plainKy = ky.create({ headers });
  const bareKy = ky.create({ headers, retry: 0, timeout: false });
  const miss = await timeEach({
    ours: () => stateset.getBalance(client, { fresh: true }),
    raw: async () => (await fetch(url, { headers })).json(),
    ky: () => plainKy.get(url).json(),
    bare: () => bareKy.get(url).json(),
  }, 400);

  // Without the network: a fetch that answers at once with the same body.
  const body = JSON.stringify(await (await fetch(url, { headers })).json());
  const stub = async () => new Response(body, { headers: { 'Content-Type': 'application/json' } });
  const stubbedClient = stateset.createClient({ publishableKey: key, apiBase, rateLimit: unpaced, fetch: stub });
  const stubbedKy = ky.create({ headers, fetch: stub });
  const cpu = await timeBlocks({
    ours: () => stateset.getBalance(stubbedClient, { fresh: true }),
    raw: async () => (await stub(new Request(url, { headers }))).json(),
    ky: () => stubbedKy.get(url).json(),
  }, 40, 100);
  return { miss, cpu, userAgent: navigator.userAgent };
}
