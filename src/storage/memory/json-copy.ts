// A deep copy with the meaning of `JSON.parse(JSON.stringify(value))` at a
// third of its cost, for the memory adapter's hot orders: plain data is
// copied directly, anything JSON would transform goes through JSON itself.
import { toJsonText } from '../call-guards.js';

// Deeper than any order the engine builds; past it (or on a cycle) JSON decides, and throws for a cycle.
const MAX_DEPTH = 48;
const UNUSUAL = Symbol('unusual');
type Copy = unknown | typeof UNUSUAL;

/**
 * Deep copy of JSON data, equal to what a JSON round trip returns;
 * `VALIDATION_FAILED` (naming `what`) when the value is not serializable.
 * Plain objects, arrays, strings, finite numbers, booleans and `null` are
 * copied directly; `undefined`, functions and symbols are dropped from
 * objects and become `null` in arrays as in JSON. A value with `toJSON`, a
 * class instance, a non-finite number or a bigint sends the whole value
 * through `JSON.stringify`, so the result never differs from it.
 */
export function jsonCopy<T>(value: T, what: string): T {
  let copy: Copy = UNUSUAL;
  try {
    copy = copyValue(value, 0);
  } catch {
    // A throwing getter: JSON meets it too, and toJsonText reports it as VALIDATION_FAILED.
  }
  if (copy !== UNUSUAL) return copy as T;
  return JSON.parse(toJsonText(value, what)) as T;
}

function copyValue(value: unknown, depth: number): Copy {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON writes -0 as 0; NaN and infinities need JSON's null.
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : UNUSUAL;
    case 'object':
      break;
    default:
      // undefined, functions and symbols at the top level, and bigints anywhere.
      return UNUSUAL;
  }
  if (value === null) return null;
  if (depth > MAX_DEPTH) return UNUSUAL;
  if (Array.isArray(value)) {
    // A subclass or an array with its own toJSON serializes as JSON decides.
    if (Object.getPrototypeOf(value) !== Array.prototype || typeof (value as { toJSON?: unknown }).toJSON === 'function') return UNUSUAL;
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const t = typeof item;
      if (t === 'undefined' || t === 'function' || t === 'symbol') {
        out[i] = null;
        continue;
      }
      const copy = copyValue(item, depth + 1);
      if (copy === UNUSUAL) return UNUSUAL;
      out[i] = copy;
    }
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return UNUSUAL;
  const source = value as Record<string, unknown>;
  if (typeof source.toJSON === 'function') return UNUSUAL;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    // JSON.parse makes "__proto__" an own property; an assignment here would set the prototype.
    if (key === '__proto__') return UNUSUAL;
    const item = source[key];
    const t = typeof item;
    if (t === 'undefined' || t === 'function' || t === 'symbol') continue;
    const copy = copyValue(item, depth + 1);
    if (copy === UNUSUAL) return UNUSUAL;
    out[key] = copy;
  }
  return out;
}

/**
 * Deep copy of a value that is JSON data already: what `jsonCopy` or
 * `JSON.parse` returned and nobody else can reach (a hot order of the store).
 * It only rebuilds objects and arrays, without the checks `jsonCopy` makes of
 * a caller's value; a `"__proto__"` key (only `JSON.parse` makes one) or
 * nesting past its limit goes through a JSON round trip instead.
 */
export function copyJsonData<T>(value: T): T {
  const copy = copyData(value, 0);
  return copy !== UNUSUAL ? (copy as T) : (JSON.parse(JSON.stringify(value)) as T);
}

function copyData(value: unknown, depth: number): Copy {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH) return UNUSUAL;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== 'object' || item === null) {
        out[i] = item;
        continue;
      }
      const copy = copyData(item, depth + 1);
      if (copy === UNUSUAL) return UNUSUAL;
      out[i] = copy;
    }
    return out;
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    if (key === '__proto__') return UNUSUAL;
    const item = source[key];
    if (typeof item !== 'object' || item === null) {
      out[key] = item;
      continue;
    }
    const copy = copyData(item, depth + 1);
    if (copy === UNUSUAL) return UNUSUAL;
    out[key] = copy;
  }
  return out;
}
