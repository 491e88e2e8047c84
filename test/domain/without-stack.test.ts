import { describe, expect, it } from 'vitest';
import { FulfillmentError, isFulfillmentError, withoutStack } from '../../src/domain/errors.js';
import { makeShop, orderFor } from '../helpers/shop.js';

describe('stackless refusals', () => {
  it('builds the error without frames and restores the stack limit, even when building throws', () => {
    const before = Error.stackTraceLimit;
    const error = withoutStack(() => new FulfillmentError('INSUFFICIENT_STOCK', 'sold out', { details: { shortages: [] } }));
    expect(error.code).toBe('INSUFFICIENT_STOCK');
    expect(error.stack?.split('\n').filter((l) => l.trim().startsWith('at '))).toEqual([]);
    expect(Error.stackTraceLimit).toBe(before);
    expect(() =>
      withoutStack(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('ordinary').stack).toContain(' at ');
  });

  it('still builds the error where the stack limit cannot be changed (frozen intrinsics)', () => {
    const original = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
    Object.defineProperty(Error, 'stackTraceLimit', { value: 10, writable: false, configurable: true });
    try {
      const error = withoutStack(() => new FulfillmentError('INSUFFICIENT_STOCK', 'sold out', { details: { shortages: [] } }));
      expect(error.code).toBe('INSUFFICIENT_STOCK');
      expect(Error.stackTraceLimit).toBe(10);
    } finally {
      if (original) Object.defineProperty(Error, 'stackTraceLimit', original);
    }
  });

  it('orders.place refuses a sold-out SKU with a typed error carrying its shortages', async () => {
    const { ff } = makeShop();
    await ff.inventory.receive({ sku: 'TEE', locationId: 'east', quantity: 1 });
    await ff.orders.place(orderFor({ TEE: 1 }));
    const refusal = await ff.orders.place(orderFor({ TEE: 1 })).catch((e: unknown) => e);
    expect(isFulfillmentError(refusal, 'INSUFFICIENT_STOCK')).toBe(true);
    expect((refusal as FulfillmentError<'INSUFFICIENT_STOCK'>).details.shortages).toEqual([{ sku: 'TEE', requested: 1, available: 0, short: 1 }]);
    expect((refusal as Error).message).toContain('TEE');
    // An expected answer made by the thousand in a sold-out storm: no stack is captured for it.
    expect((refusal as Error).stack).not.toContain(' at ');
  });
});
