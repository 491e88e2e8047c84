// Step 1, order receipt: validation before anything is stored, and
// idempotent placement by key (replays, conflicts, concurrent retries).
import { describe, expect, it } from 'vitest';
import { expectCode, makeShop, orderFor, stock, storeState } from '../helpers/shop.js';

describe('orders.place: validation', () => {
  it('refuses invalid input with VALIDATION_FAILED and stores nothing', async () => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { 'TEE-M': 5 });
    const before = await storeState(shop, ['TEE-M']);

    const noLines = await expectCode(shop.ff.orders.place(orderFor({}, { lines: [] })), 'VALIDATION_FAILED');
    expect(noLines.details.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'lines' })]));
    await expectCode(shop.ff.orders.place(orderFor({ 'TEE-M': 0 })), 'VALIDATION_FAILED');
    await expectCode(shop.ff.orders.place(orderFor({ 'TEE-M': 1 }, { currency: 'EUR' })), 'VALIDATION_FAILED');
    await expectCode(shop.ff.orders.place({ ...orderFor({ 'TEE-M': 1 }), customer: { email: 'not-an-email' } }), 'VALIDATION_FAILED');
    await expectCode(shop.ff.orders.place(orderFor({ 'TEE-M': 1 }), { idempotencyKey: '' }), 'VALIDATION_FAILED');

    expect(await storeState(shop, ['TEE-M'])).toEqual(before);
    expect(shop.payments.payments()).toEqual([]);
  });

  it('accepts a valid order and stores it with its lines, totals and one shipment', async () => {
    const { ff } = makeShop();
    await stock(ff, 'east', { 'TEE-M': 5 });
    const order = await ff.orders.place(orderFor({ 'TEE-M': 2 }, { shipping: { speed: 'standard', price: { amount: 500, currency: 'USD' } } }));
    expect(order.totals.total).toEqual({ amount: 2500, currency: 'USD' });
    expect(order.lines).toEqual([expect.objectContaining({ sku: 'TEE-M', quantity: 2, backordered: 0 })]);
    expect(await ff.orders.get(order.id)).toEqual(order);
    const history = (await ff.orders.history(order.id)).map((e) => e.type);
    expect(history.slice(0, 2)).toEqual(['order.placed', 'shipment.created']);
    expect(history).toContain('payment.authorized');
  });
});

describe('orders.place: idempotency key', () => {
  it('replays the same order for the same key and input, without a second reservation or charge', async () => {
    const shop = makeShop();
    const { ff } = shop;
    await stock(ff, 'east', { 'TEE-M': 5 });
    const first = await ff.orders.place(orderFor({ 'TEE-M': 2 }), { idempotencyKey: 'cart-1' });
    const again = await ff.orders.place(orderFor({ 'TEE-M': 2 }), { idempotencyKey: 'cart-1' });

    expect(again.id).toBe(first.id);
    expect((await ff.orders.list()).items).toHaveLength(1);
    expect((await ff.inventory.level('TEE-M')).reserved).toBe(2);
    expect(shop.payments.payments()).toHaveLength(1);
    expect((await ff.inventory.ledger('TEE-M')).filter((m) => m.type === 'reserved')).toHaveLength(1);
  });

  it('refuses the same key with a different input as IDEMPOTENCY_CONFLICT and changes nothing', async () => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { 'TEE-M': 5 });
    const first = await shop.ff.orders.place(orderFor({ 'TEE-M': 2 }), { idempotencyKey: 'cart-1' });
    const before = await storeState(shop, ['TEE-M']);

    const error = await expectCode(shop.ff.orders.place(orderFor({ 'TEE-M': 3 }), { idempotencyKey: 'cart-1' }), 'IDEMPOTENCY_CONFLICT');
    expect(error.details).toMatchObject({ key: 'cart-1', orderId: first.id });
    expect(await storeState(shop, ['TEE-M'])).toEqual(before);
  });

  it('a different key places a second order', async () => {
    const { ff } = makeShop();
    await stock(ff, 'east', { 'TEE-M': 5 });
    const a = await ff.orders.place(orderFor({ 'TEE-M': 1 }), { idempotencyKey: 'cart-1' });
    const b = await ff.orders.place(orderFor({ 'TEE-M': 1 }), { idempotencyKey: 'cart-2' });
    expect(b.id).not.toBe(a.id);
    expect((await ff.inventory.level('TEE-M')).reserved).toBe(2);
  });

  it('concurrent places with one key create exactly one order and hold stock once', async () => {
    const shop = makeShop();
    const { ff } = shop;
    await stock(ff, 'east', { 'TEE-M': 10 });
    const results = await Promise.all(Array.from({ length: 6 }, () => ff.orders.place(orderFor({ 'TEE-M': 3 }), { idempotencyKey: 'double-click' })));

    expect(new Set(results.map((o) => o.id)).size).toBe(1);
    expect((await ff.orders.list()).items).toHaveLength(1);
    const level = await ff.inventory.level('TEE-M');
    expect(level).toMatchObject({ onHand: 10, reserved: 3, available: 7 });
    expect(shop.payments.payments()).toHaveLength(1);
    expect(await ff.inventory.reconcile()).toEqual([]);
    const order = await ff.orders.get(results[0]!.id);
    expect(order?.status).toBe('processing');
  });
});
