// The memory adapter's copy of JSON data must mean exactly a JSON round trip,
// and hot orders (kept as objects) must read like cold ones (kept as text).
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/domain/events.js';
import type { Order } from '../../src/domain/order.js';
import { copyJsonData, jsonCopy } from '../../src/storage/memory/json-copy.js';
import { HOT_ORDERS } from '../../src/storage/memory/memory-order-book.js';
import { inspectMemoryStorage, memoryStorage } from '../../src/storage/memory/memory-storage.js';
import { makeTestOrder } from '../../src/testing/fixtures.js';

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('jsonCopy', () => {
  it('copies plain data deeply', () => {
    const value = { a: 1, b: ['x', { c: true, d: null }], e: { f: { g: 'h' } } };
    const copy = jsonCopy(value, 'value');
    expect(copy).toEqual(value);
    expect(copy).not.toBe(value);
    expect(copy.b).not.toBe(value.b);
    expect(copy.e.f).not.toBe(value.e.f);
  });

  it.each([
    ['undefined and functions in objects are dropped', { a: undefined, b: () => 1, c: Symbol('s'), d: 2 }],
    ['undefined and functions in arrays become null', [undefined, () => 1, Symbol('s'), 3]],
    ['non-finite numbers become null', { a: Number.NaN, b: Number.POSITIVE_INFINITY, c: [Number.NEGATIVE_INFINITY] }],
    ['negative zero becomes zero', { a: -0, b: [-0] }],
    ['dates become their ISO text', { at: new Date('2031-01-01T00:00:00.000Z') }],
    ['toJSON is honoured', { a: { toJSON: () => 'replaced' } }],
    ['class instances keep only their own fields', { m: new Map([[1, 2]]), s: new Set([1]), u: new URL('https://example.com/') }],
    ['a "__proto__" key stays an own property', JSON.parse('{"__proto__":{"polluted":true},"a":1}')],
    ['integer-like keys come first, as in JSON', { b: 1, 2: 'two', a: 2, 1: 'one' }],
  ])('means a JSON round trip: %s', (_name, value) => {
    const copy = jsonCopy(value, 'value');
    expect(copy).toStrictEqual(roundTrip(value));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('rejects what JSON cannot serialize with VALIDATION_FAILED', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => jsonCopy(cyclic, 'cyclic thing')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => jsonCopy({ n: 10n }, 'big number')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('follows JSON for arrays with toJSON, array subclasses and throwing getters', () => {
    const withToJson = Object.assign([1, 2], { toJSON: () => 'arr' });
    class Pair extends Array<number> {
      toJSON() {
        return 'pair';
      }
    }
    const pair = Pair.from([1, 2]);
    expect(jsonCopy({ a: withToJson, b: pair }, 'arrays')).toEqual(roundTrip({ a: withToJson, b: pair }));
    const trap = {
      get boom(): never {
        throw new Error('getter failed');
      },
    };
    expect(() => jsonCopy({ trap }, 'trapped thing')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('copies data deeper than its direct limit through JSON', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 200; i++) deep = { next: deep };
    expect(jsonCopy(deep, 'deep')).toEqual(deep);
  });
});

describe('copyJsonData', () => {
  it('copies JSON data deeply, sharing nothing with the original', () => {
    const value = jsonCopy({ a: 1, b: ['x', { c: true, d: null }, [2, [3]]], e: { f: { g: 'h' } } }, 'value');
    const copy = copyJsonData(value);
    expect(copy).toStrictEqual(value);
    expect(copy).not.toBe(value);
    expect(copy.b).not.toBe(value.b);
    expect(copy.b[1]).not.toBe(value.b[1]);
    expect(copy.b[2]).not.toBe(value.b[2]);
    expect(copy.e.f).not.toBe(value.e.f);
    (copy.e.f as { g: string }).g = 'changed';
    expect(value.e.f.g).toBe('h');
  });

  it('keeps a "__proto__" key an own property, as JSON.parse made it', () => {
    const value = JSON.parse('{"a":{"__proto__":{"polluted":true},"b":1}}');
    const copy = copyJsonData(value);
    expect(copy).toStrictEqual(roundTrip(value));
    expect(Object.getPrototypeOf(copy.a)).toBe(Object.prototype);
    expect(copy.a).not.toBe(value.a);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('copies data deeper than its direct limit through JSON', () => {
    let deep: Record<string, unknown> = { leaf: [1] };
    for (let i = 0; i < 200; i++) deep = { next: deep };
    const copy = copyJsonData(deep);
    expect(copy).toEqual(deep);
    expect(copy.next).not.toBe(deep.next);
  });
});

describe('memoryStorage hot orders', () => {
  it('reads an order the same while hot, after it went back to text, and after another write', async () => {
    const storage = memoryStorage();
    const first = makeTestOrder({ id: 'ord_first', metadata: { at: new Date('2031-01-01T00:00:00.000Z') } as unknown as Order['metadata'] });
    await storage.createOrder({ order: first });
    const hot = await storage.getOrder(first.id);
    expect(hot).toEqual(roundTrip(first));
    for (let i = 0; i < HOT_ORDERS + 5; i++) await storage.createOrder({ order: makeTestOrder({ id: `ord_${i}` }) });
    const cold = await storage.getOrder(first.id);
    expect(cold).toEqual(hot);
    const listed = await storage.listOrders({ limit: 1 });
    expect(listed.items[0]).toEqual(hot);
    await storage.updateOrder({ order: { ...(cold as Order), version: 2, notes: 'again' } }, 1);
    expect(await storage.getOrder(first.id)).toEqual({ ...(hot as Order), version: 2, notes: 'again' });
    expect(inspectMemoryStorage(storage)?.orders.size).toBe(HOT_ORDERS + 6);
  });

  it('keeps a history in order across hot writes, leaving the hot set, and coming back to it', async () => {
    const storage = memoryStorage();
    const order = makeTestOrder({ id: 'ord_hist' });
    const event = (n: number): DomainEvent => ({ id: `evt_${n}`, type: 'order.confirmed', orderId: order.id, at: order.createdAt, data: {} });
    await storage.createOrder({ order, events: [event(1), event(2)] });
    await storage.updateOrder({ order: { ...order, version: 2 }, events: [event(3)] }, 1);
    expect((await storage.orderEvents(order.id)).map((e) => e.id)).toEqual(['evt_1', 'evt_2', 'evt_3']);
    for (let i = 0; i < HOT_ORDERS; i++) await storage.createOrder({ order: makeTestOrder({ id: `ord_${i}` }) });
    expect((await storage.orderEvents(order.id)).map((e) => e.id)).toEqual(['evt_1', 'evt_2', 'evt_3']);
    await storage.updateOrder({ order: { ...order, version: 3 }, events: [event(4), event(5)] }, 2);
    const history = await storage.orderEvents(order.id);
    expect(history).toEqual([1, 2, 3, 4, 5].map(event));
    (history[4] as DomainEvent).id = 'changed';
    expect((await storage.orderEvents(order.id))[4]?.id).toBe('evt_5');
  });

  it('packs a deeply nested order when it leaves the hot set without failing the write that pushed it out', async () => {
    const storage = memoryStorage();
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 3_000; i++) deep = { d: deep };
    const deepOrder = { ...makeTestOrder({ id: 'ord_deep' }), metadata: { nested: deep } } as unknown as Order;
    await storage.createOrder({ order: deepOrder });
    // Enough later writes to push the deep order out of the hot set and pack it.
    for (let i = 0; i < 80; i++) {
      const order = makeTestOrder({ id: `ord_n${i}` });
      await storage.createOrder({
        order,
        events: [{ id: `ev_${i}`, type: 'order.confirmed', orderId: order.id, at: order.createdAt, data: {} } as unknown as DomainEvent],
        idempotency: { scope: 'orders.place', key: `k${i}`, fingerprint: 'f' },
      });
      expect(await storage.orderEvents(order.id)).toHaveLength(1);
    }
    expect(JSON.stringify(await storage.getOrder('ord_deep'))).toBe(JSON.stringify(deepOrder));
    expect((await storage.listOrders({ limit: 200 })).items).toHaveLength(81);
  });

  it('hands out copies of a hot order that the caller cannot reach the store through', async () => {
    const storage = memoryStorage();
    const order = makeTestOrder({ id: 'ord_iso' });
    await storage.createOrder({ order });
    const a = (await storage.getOrder(order.id)) as Order;
    const b = (await storage.getOrder(order.id)) as Order;
    expect(a).not.toBe(b);
    expect(a.lines).not.toBe(b.lines);
    a.lines.push({ ...(a.lines[0] as Order['lines'][number]), id: 'intruder' });
    order.customer.email = 'mallory@example.com';
    expect(await storage.getOrder(order.id)).toEqual(b);
  });
});
