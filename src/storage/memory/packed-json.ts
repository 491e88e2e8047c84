// Compact JSON text for the memory adapter's cold orders and histories: an
// object's keys are written once per store, in a table of shapes, and each
// object as its shape number and its values.

// Enough for every shape the engine's documents take; rarer shapes (free-form metadata) stay objects.
const MAX_SHAPES = 2_048;
// Below this depth values are kept verbatim: packing recurses, and JSON text nested deeper
// than the stack allows must still pack (JSON.stringify takes far deeper input than a
// recursive walk). Orders nest about ten levels.
const MAX_DEPTH = 64;
// Head of a packed array that holds one array kept verbatim.
const VERBATIM = -1;

/**
 * Packs JSON data into shorter JSON text and back. A packed value is a
 * primitive, an array `[0, ...items]` for an array, an array
 * `[shape, ...values]` for an object of a known shape, a plain object kept
 * verbatim (with everything under it) when its shape is not in the table or it
 * lies deeper than the packer descends, or `[-1, array]` for an array kept
 * verbatim there.
 * Orders are mostly keys: `{"amount":1000,"currency":"USD"}` packs to
 * `[7,1000,"USD"]`, and an order's text shrinks to about two fifths.
 *
 * The input must be JSON data (what `JSON.parse` returns); `unpack(pack(v))`
 * equals `v`. Shapes are never forgotten, so text packed by one instance
 * unpacks with that instance only.
 */
export class PackedJson {
  private readonly keysOf: string[][] = [[]];
  // Shapes as a trie of their keys in order: finding one allocates nothing.
  private readonly root: ShapeNode = { shape: 0, next: null };

  /** Shapes learnt so far. */
  get shapes(): number {
    return this.keysOf.length - 1;
  }

  pack(value: unknown): string {
    return JSON.stringify(this.encode(value, 0));
  }

  unpack(text: string): unknown {
    return this.decode(JSON.parse(text));
  }

  private encode(value: unknown, depth: number): unknown {
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) {
      if (depth >= MAX_DEPTH) return [VERBATIM, value];
      const out: unknown[] = new Array(value.length + 1);
      out[0] = 0;
      for (let i = 0; i < value.length; i++) out[i + 1] = this.encode(value[i], depth + 1);
      return out;
    }
    const source = value as Record<string, unknown>;
    if (depth >= MAX_DEPTH) return source;
    const shape = this.shapeOf(source);
    if (shape === 0) return source;
    const keys = this.keysOf[shape] as string[];
    const out: unknown[] = new Array(keys.length + 1);
    out[0] = shape;
    for (let i = 0; i < keys.length; i++) out[i + 1] = this.encode(source[keys[i] as string], depth + 1);
    return out;
  }

  private decode(packed: unknown): unknown {
    // Primitives, and objects kept verbatim.
    if (!Array.isArray(packed)) return packed;
    const head = packed[0] as number;
    if (head === VERBATIM) return packed[1];
    if (head === 0) {
      const out: unknown[] = new Array(packed.length - 1);
      for (let i = 1; i < packed.length; i++) out[i - 1] = this.decode(packed[i]);
      return out;
    }
    const keys = this.keysOf[head] as string[];
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) out[keys[i] as string] = this.decode(packed[i + 1]);
    return out;
  }

  // The shape number of an object (JSON data: own keys only); 0 when it is kept verbatim.
  private shapeOf(source: Record<string, unknown>): number {
    let node = this.root;
    for (const key in source) {
      const next = node.next?.get(key);
      if (next === undefined) return this.learn(source);
      node = next;
    }
    return node.shape !== 0 ? node.shape : this.learn(source);
  }

  private learn(source: Record<string, unknown>): number {
    const keys = Object.keys(source);
    // "__proto__" must stay an own property, which only JSON.parse makes.
    if (this.keysOf.length > MAX_SHAPES || keys.includes('__proto__')) return 0;
    let node = this.root;
    for (const key of keys) {
      node.next ??= new Map();
      let next = node.next.get(key);
      if (next === undefined) {
        next = { shape: 0, next: null };
        node.next.set(key, next);
      }
      node = next;
    }
    if (node.shape === 0) {
      node.shape = this.keysOf.length;
      this.keysOf.push(keys);
    }
    return node.shape;
  }
}

interface ShapeNode {
  /** Shape of the objects whose keys end here; 0 when none does yet. */
  shape: number;
  next: Map<string, ShapeNode> | null;
}
