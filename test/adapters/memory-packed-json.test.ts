// Packed text of the memory adapter's cold orders: shorter than JSON, and
// unpacking gives back exactly what was packed.
import { describe, expect, it } from 'vitest';
import { PackedJson } from '../../src/storage/memory/packed-json.js';
import { makeTestOrder } from '../../src/testing/fixtures.js';

describe('PackedJson', () => {
  it.each([
    ['an order', makeTestOrder({ id: 'ord_1', metadata: { channel: 'web' } })],
    ['primitives', ['a', 1, 0, -1.5, true, false, null]],
    ['empty containers', { a: {}, b: [], c: [[], [{}]] }],
    ['arrays whose first item is a number', [[0, 1], [3, 'x'], { k: [0] }]],
    ['a "__proto__" key', JSON.parse('{"a":{"__proto__":{"x":[1,2]}},"b":[{"__proto__":null}]}')],
    ['integer-like keys', { b: 1, 10: 'ten', 2: 'two' }],
  ])('round-trips %s', (_name, value) => {
    const packed = new PackedJson();
    const text = packed.pack(value);
    const back = packed.unpack(text);
    expect(back).toStrictEqual(JSON.parse(JSON.stringify(value)));
    expect(JSON.stringify(back)).toBe(JSON.stringify(value));
    expect(({} as { x?: unknown }).x).toBeUndefined();
  });

  it('round-trips values nested far deeper than a recursive walk could descend', () => {
    const packed = new PackedJson();
    let objects: unknown = { leaf: [1, { x: 2 }] };
    let arrays: unknown = [0, 'bottom'];
    for (let i = 0; i < 2_500; i++) {
      objects = { d: objects };
      arrays = [arrays];
    }
    const value = { objects, arrays, mixed: [{ a: [[{ b: [[[0]]] }]] }] };
    const back = packed.unpack(packed.pack(value));
    expect(JSON.stringify(back)).toBe(JSON.stringify(value));
  });

  it('writes each shape of keys once: an order packs to well under half its JSON text', () => {
    const packed = new PackedJson();
    const order = makeTestOrder({ id: 'ord_1' });
    packed.pack(order);
    const shapes = packed.shapes;
    const text = packed.pack(makeTestOrder({ id: 'ord_2' }));
    expect(packed.shapes).toBe(shapes);
    expect(text.length).toBeLessThan(JSON.stringify(order).length / 2);
  });

  it('keeps objects of shapes beyond its table verbatim, and still round-trips them', () => {
    const packed = new PackedJson();
    const many = Array.from({ length: 2_100 }, (_, i) => ({ [`k${i}`]: [i, { v: i }] }));
    const back = packed.unpack(packed.pack(many));
    expect(back).toStrictEqual(many);
    expect(packed.shapes).toBeLessThanOrEqual(2_048);
  });
});
