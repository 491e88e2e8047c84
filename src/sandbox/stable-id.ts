// Deterministic identifiers derived from a seed (an idempotency key), so a
// repeated request produces the very same label or payment id.

/**
 * A string of `length` characters from `alphabet`, always the same for the same seed.
 *
 * @example
 * ```ts
 * stableId('label:order-1:ship', 10, '0123456789'); // e.g. '4081937265', identical on every call
 * ```
 */
export function stableId(seed: string, length: number, alphabet = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'): string {
  let out = '';
  for (let round = 0; out.length < length; round++) {
    let h = fnv1a(`${round}:${seed}`);
    for (let i = 0; i < 4 && out.length < length; i++) {
      out += alphabet[h % alphabet.length];
      h = Math.floor(h / alphabet.length);
    }
  }
  return out;
}

// 32-bit FNV-1a: fast, dependency-free and stable across runtimes; not for secrets.
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
