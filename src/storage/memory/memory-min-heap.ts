// A binary min-heap: the memory adapter's due-first queues (reservation
// expiry, outbox visibility) pop the earliest entry without scanning.

/** A binary min-heap ordered by `before(a, b)` (true when `a` comes first). */
export class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  /** Entries held, including ones the owner treats as stale. */
  get size(): number {
    return this.items.length;
  }

  /** The first entry, or `undefined` when empty. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Add an entry in O(log n). */
  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(item, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  }

  /** Remove and return the first entry in O(log n). */
  pop(): T | undefined {
    const items = this.items;
    const first = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return first;
    let i = 0;
    const n = items.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.before(items[right]!, items[left]!) ? right : left;
      if (!this.before(items[child]!, last)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return first;
  }
}
