// Hostile input: prototype keys, Symbols, deep arrays, null options, text and
// numbers no adapter can store. Each is a typed refusal that changes nothing.
import { describe, expect, it } from 'vitest';
import { sandboxPayment } from '../../src/payments/sandbox/sandbox-payment.js';
import { addressSchema } from '../../src/domain/address.js';
import { MAX_MONEY_AMOUNT, MAX_STOCK_UNITS } from '../../src/domain/limits.js';
import type { Fulfillment } from '../../src/index.js';
import { SIGNATURE_HEADER, readHeader, verifyWebhook } from '../../src/tracking/webhook-signature.js';
import { expectCode, fulfil, makeShop, orderFor, shipmentOf, stock, storeState } from '../helpers/shop.js';

const SKUS = ['MUG'];

function deepArray(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Id values that are not ids: each must be VALIDATION_FAILED, never a TypeError or a stack overflow. */
const BAD_IDS: [string, unknown][] = [
  ['a Symbol', Symbol('id')],
  ['a 10,000-deep array', deepArray(10_000)],
  ['a number', 42],
  ['null', null],
  ['an object', { toString: () => 'ord_1' }],
  ['an empty string', ''],
  ['a megabyte of text', 'x'.repeat(1_000_000)],
  ['a NUL character', 'ord\u0000'],
  ['a lone surrogate', 'ord\uD800'],
];

// Every command taking an id, called with `id` and otherwise valid arguments.
const ID_COMMANDS: [string, (ff: Fulfillment, id: never) => Promise<unknown>][] = [
  ['orders.get', (ff, id) => ff.orders.get(id)],
  ['orders.cancel', (ff, id) => ff.orders.cancel(id, { reason: 'x' })],
  ['orders.hold', (ff, id) => ff.orders.hold(id, { reason: 'x' })],
  ['orders.releaseHold', (ff, id) => ff.orders.releaseHold(id)],
  ['orders.retryPayment', (ff, id) => ff.orders.retryPayment(id, { method: 'tok_visa' })],
  ['orders.syncPayment', (ff, id) => ff.orders.syncPayment(id)],
  ['orders.history', (ff, id) => ff.orders.history(id)],
  ['fulfillment.confirmPick', (ff, id) => ff.fulfillment.confirmPick(id, { lines: [] })],
  ['fulfillment.pack', (ff, id) => ff.fulfillment.pack(id)],
  ['fulfillment.ship', (ff, id) => ff.fulfillment.ship(id)],
  ['tracking.handleWebhook', (ff, id) => ff.tracking.handleWebhook(id, { headers: {}, rawBody: '{}' })],
  ['returns.request', (ff, id) => ff.returns.request(id, { lines: [{ sku: 'MUG', quantity: 1 }], reason: 'x' })],
  ['returns.approve', (ff, id) => ff.returns.approve(id)],
  ['returns.receive', (ff, id) => ff.returns.receive(id, { lines: [{ sku: 'MUG', quantity: 1 }] })],
  ['inventory.level', (ff, id) => ff.inventory.level(id)],
  ['inventory.ledger', (ff, id) => ff.inventory.ledger(id)],
];

describe('tables keyed by input', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('refuses country %s as VALIDATION_FAILED', async (country) => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 5 });
    const before = await storeState(shop, SKUS);
    const input = orderFor({ MUG: 1 });
    const error = await expectCode(shop.ff.orders.place({ ...input, shippingAddress: { ...input.shippingAddress, country } }), 'VALIDATION_FAILED');
    expect(JSON.stringify(error.details.issues)).toContain('country');
    expect(await storeState(shop, SKUS)).toEqual(before);
    expect(addressSchema.safeParse({ ...input.shippingAddress, country }).success).toBe(false);
  });

  it.each(['constructor', '__proto__', 'toString', 'valueOf'])('treats payment method %s as an unknown method, not a test card', async (method) => {
    const approving = sandboxPayment();
    const result = await approving.authorize({
      orderId: 'ord_1',
      amount: { amount: 100, currency: 'USD' },
      method,
      customer: { email: 'ada@example.com' },
      idempotencyKey: `k-${method}`,
    });
    expect(result.status).toBe('authorized');
    const declining = sandboxPayment({ unknownMethods: 'decline' });
    const refused = await declining.authorize({
      orderId: 'ord_1',
      amount: { amount: 100, currency: 'USD' },
      method,
      customer: { email: 'ada@example.com' },
      idempotencyKey: `k-${method}`,
    });
    expect(refused.failure?.code).toBe('invalid_payment_method');
  });
});

describe('id and options arguments', () => {
  for (const [command, call] of ID_COMMANDS) {
    it.each(BAD_IDS)(`${command} refuses %s as VALIDATION_FAILED`, async (_, id) => {
      const shop = makeShop();
      await stock(shop.ff, 'east', { MUG: 5 });
      const before = await storeState(shop, SKUS);
      await expectCode(call(shop.ff, id as never), 'VALIDATION_FAILED');
      expect(await storeState(shop, SKUS)).toEqual(before);
    });
  }

  it.each([
    ['null', null],
    ['a string', 'cart-1'],
    ['an array', []],
    ['an unknown option', { idempotencyKey: 'k', retry: true }],
    ['a Symbol key', { idempotencyKey: Symbol('k') }],
  ])('orders.place refuses %s as options, before reserving anything', async (_, options) => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 5 });
    const before = await storeState(shop, SKUS);
    await expectCode(shop.ff.orders.place(orderFor({ MUG: 1 }), options as never), 'VALIDATION_FAILED');
    expect(await storeState(shop, SKUS)).toEqual(before);
  });

  it('every input and options argument refuses null, a Symbol and a deep array as VALIDATION_FAILED', async () => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 5 });
    const order = await shop.ff.orders.place(orderFor({ MUG: 1 }));
    const shipmentId = shipmentOf(order).id;
    const before = await storeState(shop, SKUS);
    const ff = shop.ff as unknown as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>;
    const calls: [string, string, unknown[]][] = [
      ['inventory', 'receive', []],
      ['inventory', 'adjust', []],
      ['inventory', 'configure', []],
      ['inventory', 'reconcile', []],
      ['orders', 'place', []],
      ['orders', 'place', [orderFor({ MUG: 1 })]],
      ['orders', 'list', []],
      ['orders', 'cancel', [order.id]],
      ['orders', 'hold', [order.id]],
      ['orders', 'retryPayment', [order.id]],
      ['fulfillment', 'pickList', []],
      ['fulfillment', 'confirmPick', [shipmentId]],
      ['fulfillment', 'pack', [shipmentId]],
      ['fulfillment', 'ship', [shipmentId]],
      ['tracking', 'record', []],
      ['tracking', 'handleWebhook', ['sandbox']],
      ['tracking', 'poll', []],
      ['returns', 'request', [order.id]],
      ['returns', 'receive', ['ret_1']],
      ['outbox', 'dispatch', []],
    ];
    for (const [group, name, leading] of calls) {
      for (const [label, bad] of [['null', null], ['a Symbol', Symbol('x')], ['a deep array', deepArray(10_000)], ['a string', 'x'], ['a number', 7]] as const) {
        const command = ff[group]?.[name] as (...args: unknown[]) => Promise<unknown>;
        const error = await command(...leading, bad).then(
          () => null,
          (err: unknown) => err,
        );
        expect(error, `${group}.${name}(${leading.length ? '…, ' : ''}${label})`).toMatchObject({ code: 'VALIDATION_FAILED' });
      }
    }
    expect(await storeState(shop, SKUS)).toEqual(before);
  });

  it('refuses malformed poll and dispatch options', async () => {
    const { ff } = makeShop();
    await expectCode(ff.tracking.poll(null as never), 'VALIDATION_FAILED');
    await expectCode(ff.tracking.poll({ limit: 'all' } as never), 'VALIDATION_FAILED');
    await expectCode(ff.outbox.dispatch({ batchSize: -1 }), 'VALIDATION_FAILED');
    await expectCode(ff.outbox.dispatch(null as never), 'VALIDATION_FAILED');
    expect(await ff.tracking.poll()).toEqual({ received: 0, applied: 0, ignored: 0 });
  });

  it('refuses webhook requests that are not objects of headers and a raw body', async () => {
    const { ff } = makeShop();
    for (const request of [null, 'body', [], { rawBody: '{}', headers: 'x' }, { rawBody: '{}', headers: null }, { rawBody: 5, headers: {} }]) {
      await expectCode(ff.tracking.handleWebhook('sandbox', request as never), 'VALIDATION_FAILED');
    }
  });
});

describe('webhook signature headers', () => {
  it.each([
    ['a number', 12345],
    ['an object', { t: 1 }],
    ['an array of numbers', [1, 2]],
    ['an array holding a Symbol', ['t=1', Symbol('v1')]],
    ['a boolean', true],
  ])('a signature header that is %s is WEBHOOK_SIGNATURE_INVALID', async (_, value) => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 5 });
    const placed = await shop.ff.orders.place(orderFor({ MUG: 1 }));
    const order = await fulfil(shop.ff, placed.id);
    const hook = await shop.carrier.webhookFor(shipmentOf(order).label!.trackingNumber);
    const before = await storeState(shop, SKUS);
    const headers = { ...hook.headers, [SIGNATURE_HEADER]: value } as never;
    await expectCode(shop.ff.tracking.handleWebhook('sandbox', { headers, rawBody: hook.rawBody }), 'WEBHOOK_SIGNATURE_INVALID');
    expect(await storeState(shop, SKUS)).toEqual(before);
    const direct = await expectCode(verifyWebhook({ secret: 's', payload: '{}', header: value as never }), 'WEBHOOK_SIGNATURE_INVALID');
    expect(direct.details.reason).toBe('malformed');
  });
});

describe('readHeader', () => {
  it('reads text, joins arrays of text, and treats anything else as absent', () => {
    expect(readHeader({ 'Fulfillkit-Signature': 't=1,v1=ab' }, SIGNATURE_HEADER)).toBe('t=1,v1=ab');
    expect(readHeader({ [SIGNATURE_HEADER]: ['t=1', 'v1=ab'] }, SIGNATURE_HEADER)).toBe('t=1,v1=ab');
    for (const value of [12, { t: 1 }, [1, 2], ['t=1', Symbol('x')], null, true]) {
      expect(readHeader({ [SIGNATURE_HEADER]: value } as never, SIGNATURE_HEADER)).toBeUndefined();
    }
    expect(readHeader(null as never, SIGNATURE_HEADER)).toBeUndefined();
  });
});

describe('text no adapter can store', () => {
  const cases: [string, (input: ReturnType<typeof orderFor>, bad: string) => ReturnType<typeof orderFor>][] = [
    ['the customer name', (o, bad) => ({ ...o, customer: { ...o.customer, name: bad } })],
    ['the shipping address name', (o, bad) => ({ ...o, shippingAddress: { ...o.shippingAddress, name: bad } })],
    ['a note', (o, bad) => ({ ...o, notes: bad })],
    ['a line name', (o, bad) => ({ ...o, lines: o.lines.map((l) => ({ ...l, name: bad })) })],
    ['a metadata value', (o, bad) => ({ ...o, metadata: { source: bad } })],
    ['a metadata key', (o, bad) => ({ ...o, metadata: { [bad]: 'x' } })],
    ['the idempotency-free reference', (o, bad) => ({ ...o, reference: bad })],
  ];
  for (const [field, inject] of cases) {
    it.each([
      ['a NUL character', 'Ada\u0000'],
      ['a lone high surrogate', 'Ada\uD83D'],
      ['a lone low surrogate', '\uDE00Ada'],
    ])(`refuses %s in ${field} before reserving or authorizing`, async (_, bad) => {
      const shop = makeShop();
      await stock(shop.ff, 'east', { MUG: 5 });
      const before = await storeState(shop, SKUS);
      const error = await expectCode(shop.ff.orders.place(inject(orderFor({ MUG: 1 }), bad)), 'VALIDATION_FAILED');
      expect(error.message).toMatch(/NUL|surrogate/);
      expect(await storeState(shop, SKUS)).toEqual(before);
      expect(shop.payments.payments()).toEqual([]);
    });
  }

  it('accepts well-formed astral characters and emoji', async () => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 5 });
    const order = await shop.ff.orders.place(orderFor({ MUG: 1 }, { notes: 'Leave at door 🚪 — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢' }));
    expect(order.notes).toBe('Leave at door 🚪 — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢');
  });

  it('refuses a NUL in a stock reason and a hold reason', async () => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 5 });
    const order = await shop.ff.orders.place(orderFor({ MUG: 1 }));
    const before = await storeState(shop, SKUS);
    await expectCode(shop.ff.inventory.adjust({ sku: 'MUG', locationId: 'east', delta: 1, reason: 'count\u0000' }), 'VALIDATION_FAILED');
    await expectCode(shop.ff.orders.hold(order.id, { reason: '\uDFFF' }), 'VALIDATION_FAILED');
    expect(await storeState(shop, SKUS)).toEqual(before);
  });
});

describe('numbers every adapter stores exactly', () => {
  it('refuses a receipt beyond the integer stock column', async () => {
    const shop = makeShop();
    const before = await storeState(shop, SKUS);
    await expectCode(shop.ff.inventory.receive({ sku: 'MUG', locationId: 'east', quantity: 3e9 }), 'VALIDATION_FAILED');
    await expectCode(shop.ff.inventory.adjust({ sku: 'MUG', locationId: 'east', delta: 3e9, reason: 'count' }), 'VALIDATION_FAILED');
    await expectCode(shop.ff.inventory.configure({ sku: 'MUG', locationId: 'east', safetyStock: 3e9 }), 'VALIDATION_FAILED');
    expect(await storeState(shop, SKUS)).toEqual(before);
  });

  it('refuses receipts whose sum would overflow the level, on the memory store as on PostgreSQL', async () => {
    const shop = makeShop();
    await shop.ff.inventory.receive({ sku: 'MUG', locationId: 'east', quantity: MAX_STOCK_UNITS - 1 });
    const before = await storeState(shop, SKUS);
    await expectCode(shop.ff.inventory.receive({ sku: 'MUG', locationId: 'east', quantity: 2 }), 'VALIDATION_FAILED');
    await expectCode(shop.ff.inventory.adjust({ sku: 'MUG', locationId: 'east', delta: 2, reason: 'count' }), 'VALIDATION_FAILED');
    expect(await storeState(shop, SKUS)).toEqual(before);
    const level = await shop.ff.inventory.receive({ sku: 'MUG', locationId: 'east', quantity: 1 });
    expect(level.onHand).toBe(MAX_STOCK_UNITS);
  });

  it('refuses an order whose total exceeds Number.MAX_SAFE_INTEGER before reserving or authorizing', async () => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 5 });
    const before = await storeState(shop, SKUS);
    const input = orderFor({ MUG: 2 });
    const price = { amount: Math.floor(MAX_MONEY_AMOUNT / 2) + 1, currency: 'USD' };
    const huge = { ...input, lines: input.lines.map((l) => ({ ...l, unitPrice: price })) };
    const error = await expectCode(shop.ff.orders.place(huge), 'VALIDATION_FAILED');
    expect(error.message).toContain('total');
    const viaShipping = { ...input, shipping: { speed: 'standard' as const, price: { amount: MAX_MONEY_AMOUNT, currency: 'USD' } } };
    await expectCode(shop.ff.orders.place(viaShipping), 'VALIDATION_FAILED');
    expect(await storeState(shop, SKUS)).toEqual(before);
    expect(shop.payments.payments()).toEqual([]);
  });

  it('accepts a total of exactly Number.MAX_SAFE_INTEGER', async () => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 5 });
    const input = orderFor({ MUG: 1 });
    const order = await shop.ff.orders.place({ ...input, lines: input.lines.map((l) => ({ ...l, unitPrice: { amount: MAX_MONEY_AMOUNT, currency: 'USD' } })) });
    expect(order.totals.total.amount).toBe(MAX_MONEY_AMOUNT);
  });

  it('refuses weights and dimensions no parcel has', async () => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 5 });
    const input = orderFor({ MUG: 1 });
    await expectCode(shop.ff.orders.place({ ...input, lines: input.lines.map((l) => ({ ...l, weight: { value: 1e300, unit: 'kg' } })) }), 'VALIDATION_FAILED');
    await expectCode(
      shop.ff.orders.place({ ...input, lines: input.lines.map((l) => ({ ...l, dimensions: { length: 1e12, width: 1, height: 1, unit: 'cm' } })) }),
      'VALIDATION_FAILED',
    );
  });

  it('bounds metadata like payment providers do', async () => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 5 });
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    await expectCode(shop.ff.orders.place(orderFor({ MUG: 1 }, { metadata: many })), 'VALIDATION_FAILED');
    await expectCode(shop.ff.orders.place(orderFor({ MUG: 1 }, { metadata: { ['k'.repeat(41)]: 'v' } })), 'VALIDATION_FAILED');
  });

  it('refuses return quantities beyond the stock bound', async () => {
    const shop = makeShop();
    await expectCode(shop.ff.returns.request('ord_x', { lines: [{ sku: 'MUG', quantity: 1e20 }], reason: 'x' }), 'VALIDATION_FAILED');
  });
});
