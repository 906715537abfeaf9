/** Response schemas: loose (unknown fields pass through), every documented amount form, clear paths on failure. */
import { describe, expect, it } from 'vitest';
import { balanceSchema } from '../src/balance.js';
import { amount, decimalString } from '../src/money.js';
import { productSchema } from '../src/products.js';
import { stablecoinBalanceSchema } from '../src/stablecoin.js';

describe('amounts', () => {
  it.each([0, 12, -3.5, '20.00', '-1.5', '1250.000000', '0'])('accepts %j', (value) => {
    expect(amount.safeParse(value).success).toBe(true);
  });
  it.each(['1e5', '20.', '.5', 'abc', '', ' 1', null, undefined, {}, true])('refuses %j', (value) => {
    const result = amount.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('expected a number or a decimal string');
  });
  it('decimal strings refuse numbers', () => {
    expect(decimalString.safeParse(5).success).toBe(false);
    expect(decimalString.safeParse('5.25').success).toBe(true);
  });
});

describe('loose objects', () => {
  it('keep unknown fields, nested too', () => {
    const body = { object: 'balance', livemode: false, available: [{ amount: 1, currency: 'ssusd', source_types: { card: 1 } }], pending: [], connect_reserved: [] };
    expect(balanceSchema.parse(body)).toEqual(body);
  });

  it('report the path of a missing or mistyped field', () => {
    const result = productSchema.safeParse({ id: 'prod_1', object: 'product', status: 'active', price: { amount: '1.00' } });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['name', 'price.currency']);
  });

  it('accept products with variants as ids or expanded objects', () => {
    const base = { id: 'prod_1', object: 'product', name: 'Tee', status: 'active', price: { amount: 10, currency: 'ssusd' } };
    expect(productSchema.safeParse({ ...base, variants: ['var_1'] }).success).toBe(true);
    expect(productSchema.safeParse({ ...base, variants: [{ id: 'var_1', sku: 'X' }] }).success).toBe(true);
    expect(productSchema.safeParse({ ...base, variants: [{ sku: 'X' }] }).success).toBe(false);
  });

  it('stablecoin balances are decimal strings', () => {
    const balances = { available: '1.000000', pending: '0', locked: '0', total: '1.000000' };
    expect(stablecoinBalanceSchema.safeParse({ address: 'stateset1x', balances }).success).toBe(true);
    expect(stablecoinBalanceSchema.safeParse({ address: 'stateset1x', balances: { ...balances, total: 1 } }).success).toBe(false);
  });
});
