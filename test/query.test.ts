/** Query encoding and pagination, unit and against the stand-in API. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient, InvalidResponseError, listProducts, paginate, request, type Client, type List, type Product } from '../src/index.js';
import { encodeQuery } from '../src/query.js';
import { PRODUCT_COUNT, startStandIn, type StandIn } from '../src/testing/server.js';

let api: StandIn;
beforeAll(async () => { api = await startStandIn(); });
afterAll(() => api.close());
beforeEach(() => api.reset());

const client = (options: Partial<Parameters<typeof createClient>[0]> = {}): Client =>
  createClient({ publishableKey: 'pk_test_query1', apiBase: api.url, retry: 0, ...options });

describe('encodeQuery', () => {
  it('sorts keys, nests filters and repeats arrays the way the API documents', () => {
    expect(encodeQuery({ limit: 20, expand: ['customer', 'items.product'], created: { lte: 5, gte: '2024-01-01' }, starting_after: 'ord_123' }))
      .toBe('created[gte]=2024-01-01&created[lte]=5&expand[]=customer&expand[]=items.product&limit=20&starting_after=ord_123');
  });

  it('gives equal strings for equal queries written in another order', () => {
    expect(encodeQuery({ b: 1, a: { y: 2, x: 1 } })).toBe(encodeQuery({ a: { x: 1, y: 2 }, b: 1 }));
  });

  it('leaves out the undefined and null fields of a filter, and a filter with none left', () => {
    expect(encodeQuery({ created: { gte: undefined, lte: 5, gt: null } })).toBe('created[lte]=5');
    expect(encodeQuery({ created: { gte: undefined }, limit: 1 })).toBe('limit=1');
  });

  it('leaves out undefined and null, keeps false and 0', () => {
    expect(encodeQuery({ a: undefined, b: null, c: false, d: 0, e: { f: undefined } })).toBe('c=false&d=0');
    expect(encodeQuery(undefined)).toBe('');
  });

  it('percent-encodes odd characters in names and values', () => {
    expect(encodeQuery({ 'q w': 'a b&c=d/é?#%', x: '[]' })).toBe('q%20w=a%20b%26c%3Dd%2F%C3%A9%3F%23%25&x=%5B%5D');
  });

  it('refuses values that are not scalars', () => {
    // Each on its own, so each is what throws. (`{}` is a filter with no fields: nothing to send, not an error.)
    expect(encodeQuery({ a: {} })).toBe('');
    expect(() => encodeQuery({ b: [{}] as never })).toThrow('Invalid b[]: must be a string, number or boolean; got object.');
    expect(() => encodeQuery({ c: { gte: {} } as never })).toThrow('Invalid c[gte]: must be a string, number or boolean; got object.');
    expect(() => encodeQuery({ d: [null] as never })).toThrow('Invalid d[]: must be a string, number or boolean; got null.');
    expect(() => encodeQuery({ e: (() => 1) as never })).toThrow('Invalid e: must be a string, number or boolean; got function.');
    expect(() => encodeQuery({ a: Number.NaN })).toThrow(/finite/);
  });
});

describe('on the wire', () => {
  it('sends limit, created[gte], repeated expand[] and the cursor, and the server reads them', async () => {
    const page = await listProducts(client(), { limit: 3, created: { gte: '2024-01-01' }, expand: ['variants', 'images'] });
    expect(page.data).toHaveLength(3);
    const sent = api.requests.at(-1)!;
    expect(sent.query).toMatchObject({ limit: ['3'], 'created[gte]': ['2024-01-01'], 'expand[]': ['variants', 'images'] });
    for (const product of page.data) expect(product.created).toBeGreaterThanOrEqual(Date.parse('2024-01-01') / 1000);
  });

  it('converts a Date filter to unix seconds', async () => {
    await listProducts(client(), { created: { lt: new Date('2025-01-01T00:00:00Z') } });
    expect(api.requests.at(-1)!.query['created[lt]']).toEqual([String(Date.parse('2025-01-01T00:00:00Z') / 1000)]);
  });

  it('round-trips odd characters through request()', async () => {
    await request(client(), 'GET', '/products', { query: { note: 'a b&c=d/é?#%+' } });
    expect(api.requests.at(-1)!.query.note).toEqual(['a b&c=d/é?#%+']);
  });

  it('filters by status', async () => {
    const page = await listProducts(client(), { status: 'archived', limit: 100 });
    expect(page.data.length).toBeGreaterThan(0);
    expect(page.data.every((product) => product.status === 'archived')).toBe(true);
  });
});

describe('paginate', () => {
  it(`walks all ${PRODUCT_COUNT} products across pages and stops on has_more: false`, async () => {
    const ids: string[] = [];
    for await (const product of paginate(listProducts, client(), { limit: 10 })) ids.push(product.id);
    expect(ids).toHaveLength(PRODUCT_COUNT);
    expect(new Set(ids).size).toBe(PRODUCT_COUNT);
    const listCalls = api.requests.filter((sent) => sent.method === 'GET');
    expect(listCalls).toHaveLength(Math.ceil(PRODUCT_COUNT / 10));
    expect(listCalls[0]!.query.starting_after).toBeUndefined();
    expect(listCalls[1]!.query.starting_after).toEqual([ids[9]]);
  });

  it('pages backwards from ending_before', async () => {
    const all: string[] = [];
    for await (const product of paginate(listProducts, client(), { limit: 100 })) all.push(product.id);
    const from = all[25]!;
    const before: string[] = [];
    for await (const product of paginate(listProducts, client(), { limit: 7, ending_before: from })) before.push(product.id);
    expect(new Set(before)).toEqual(new Set(all.slice(0, 25)));
  });

  it('can stop early without fetching further pages', async () => {
    let seen = 0;
    for await (const _product of paginate(listProducts, client(), { limit: 5 })) if (++seen === 7) break;
    expect(api.requests.filter((sent) => sent.method === 'GET')).toHaveLength(2);
  });

  it('stops with InvalidResponseError when a server repeats the same cursor', async () => {
    const stuck: List<Product> = { object: 'list', has_more: true, url: '/v1/products', data: [{ id: 'prod_same', object: 'product', name: 'A', status: 'active', price: { amount: 1, currency: 'ssusd' } }] };
    let calls = 0;
    const fetch = async (): Promise<Response> => { calls += 1; return Response.json(stuck); };
    const iterate = async (): Promise<void> => { for await (const _product of paginate(listProducts, client({ fetch }))) { /* drain */ } };
    await expect(iterate()).rejects.toBeInstanceOf(InvalidResponseError);
    expect(calls).toBe(2);
  });

  it('shows the list URL the server sent in that error without any key in it', async () => {
    const key = 'sk_live_abc123XYZ';
    const stuck: List<Product> = { object: 'list', has_more: true, url: `/v1/products?key=${key}`, data: [{ id: 'prod_same', object: 'product', name: 'A', status: 'active', price: { amount: 1, currency: 'ssusd' } }] };
    const fetch = async (): Promise<Response> => Response.json(stuck);
    const iterate = async (): Promise<void> => { for await (const _product of paginate(listProducts, client({ fetch }))) { /* drain */ } };
    const error = await iterate().then(() => undefined, (reason: Error) => reason);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error!.message).toContain('/v1/products?key=sk_live_…');
    expect(error!.message).not.toContain('abc123');
  });
});

describe('what a refused query says', () => {
  it('names where the secret was, and what a query must be', () => {
    expect(() => encodeQuery({ q: 'sk_test_abc123' })).toThrow('in query parameter q:');
    expect(() => encodeQuery({ sk_test_abc123: 1 })).toThrow('in a query parameter name:');
    expect(() => encodeQuery({ created: { sk_test_abc123: 1 } })).toThrow('in a query parameter name:');
    expect(() => encodeQuery([] as never)).toThrow('Invalid query: must be an object of parameters.');
  });
});
