// FulfillmentError.details is typed per code: narrowing with isFulfillmentError
// gives the code's fields without a cast (checked by `npm run typecheck`), and
// the fields documented as always present are present where commands throw.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { CarrierError, FulfillmentError, type StockShortage, type ValidationIssue, isFulfillmentError } from '../../src/index.js';
import { EAST, makeShop, orderFor } from '../helpers/shop.js';

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the command to throw');
    },
    (err: unknown) => err,
  );
}

describe('FulfillmentError details', () => {
  it('narrows details with the code', () => {
    const err: unknown = new FulfillmentError('INSUFFICIENT_STOCK', 'short', { details: { shortages: [{ sku: 'A', requested: 2, available: 1 }] } });
    if (!isFulfillmentError(err, 'INSUFFICIENT_STOCK')) throw new Error('not narrowed');
    expectTypeOf(err.code).toEqualTypeOf<'INSUFFICIENT_STOCK'>();
    expectTypeOf(err.details.shortages).toEqualTypeOf<StockShortage[]>();
    expect(err.details.shortages[0]?.sku).toBe('A');

    const invalid: unknown = new FulfillmentError('VALIDATION_FAILED', 'bad', { details: { issues: [] } });
    if (isFulfillmentError(invalid, 'VALIDATION_FAILED')) expectTypeOf(invalid.details.issues).toEqualTypeOf<ValidationIssue[] | undefined>();
    expectTypeOf(new CarrierError('down', { carrierId: 'ups' }).details.carrierId).toEqualTypeOf<string | undefined>();
  });

  it('refuses details that do not fit the code at compile time', () => {
    // @ts-expect-error INSUFFICIENT_STOCK details need `shortages`
    const wrong = new FulfillmentError('INSUFFICIENT_STOCK', 'short', { details: { sku: 'A' } });
    expect(wrong.code).toBe('INSUFFICIENT_STOCK');
  });

  it('placing more than is there reports shortages per SKU', async () => {
    const { ff } = makeShop();
    await ff.inventory.receive({ sku: 'TEE-M', locationId: EAST.id, quantity: 1 });
    const err = await caught(ff.orders.place(orderFor({ 'TEE-M': 3 })));
    if (!isFulfillmentError(err, 'INSUFFICIENT_STOCK')) throw err;
    expect(err.details.shortages).toEqual([expect.objectContaining({ sku: 'TEE-M', requested: 3, available: 1 })]);
  });

  it('adjusting below what is reserved reports the shortage too', async () => {
    const { ff } = makeShop();
    await ff.inventory.receive({ sku: 'TEE-M', locationId: EAST.id, quantity: 3 });
    await ff.orders.place(orderFor({ 'TEE-M': 2 }));
    const err = await caught(ff.inventory.adjust({ sku: 'TEE-M', locationId: EAST.id, delta: -2, reason: 'damaged' }));
    if (!isFulfillmentError(err, 'INSUFFICIENT_STOCK')) throw err;
    expect(err.details.shortages).toEqual([{ sku: 'TEE-M', locationId: EAST.id, requested: 2, available: 1 }]);
  });

  it('a validation failure lists its issues', async () => {
    const { ff } = makeShop();
    const err = await caught(ff.inventory.receive({ sku: 'TEE-M', locationId: EAST.id, quantity: -1 }));
    if (!isFulfillmentError(err, 'VALIDATION_FAILED')) throw err;
    expect(err.details.issues).toEqual([expect.objectContaining({ path: 'quantity' })]);
  });
});
