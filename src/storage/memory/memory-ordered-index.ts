// Membership lists for listOrders: each status and tag keeps order ids in the
// order they entered it, so a page costs O(log n + limit), not O(store).

/** A page of ids read from an {@link OrderedIndex}. */
export interface IndexPage {
  ids: string[];
  /** Sequence number of the last id returned (the resume point), or `null` when empty. */
  last: number | null;
  /** Whether a live entry exists after `last`. */
  more: boolean;
}

/**
 * Append-only `[seq, id]` entries. Whether an entry is still live is asked
 * of its owner (`isLive`), which already knows each order's status and tags,
 * so the index keeps no per-member map: leaving is only a counter update and
 * the stale entry becomes a tombstone. The arrays are compacted once
 * tombstones outnumber live entries, which keeps paging amortized O(limit).
 * Sequence numbers must increase across calls to `add`.
 */
export class OrderedIndex {
  private seqs: number[] = [];
  private ids: string[] = [];
  private live = 0;
  /** Entries examined by `page` so far; tests use it to check cost stays flat. */
  visited = 0;

  constructor(private readonly isLive: (id: string, seq: number) => boolean) {}

  /** Live members. */
  get size(): number {
    return this.live;
  }

  /** Array slots, live and tombstoned. */
  get slots(): number {
    return this.seqs.length;
  }

  /** Record that `id` entered with sequence `seq` (the owner has made it live). */
  add(id: string, seq: number): void {
    this.seqs.push(seq);
    this.ids.push(id);
    this.live++;
  }

  /** Record that a member left (the owner no longer reports its entry live). */
  remove(): void {
    this.live--;
    if (this.seqs.length > 32 && this.seqs.length - this.live > this.live) this.compact();
  }

  /** Up to `limit` live ids entered after sequence `after`, oldest first, that pass `accept`. */
  page(after: number, limit: number, accept?: (id: string) => boolean): IndexPage {
    const { seqs, ids } = this;
    const found: string[] = [];
    let last: number | null = null;
    for (let i = firstAfter(seqs, after); i < seqs.length; i++) {
      this.visited++;
      const id = ids[i]!;
      const seq = seqs[i]!;
      if (!this.isLive(id, seq) || (accept !== undefined && !accept(id))) continue;
      if (found.length === limit) return { ids: found, last, more: true };
      found.push(id);
      last = seq;
    }
    return { ids: found, last, more: false };
  }

  private compact(): void {
    const seqs: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < this.seqs.length; i++) {
      if (!this.isLive(this.ids[i]!, this.seqs[i]!)) continue;
      seqs.push(this.seqs[i]!);
      ids.push(this.ids[i]!);
    }
    this.seqs = seqs;
    this.ids = ids;
  }
}

// Index of the first sequence number greater than `after` (binary search).
function firstAfter(seqs: readonly number[], after: number): number {
  let lo = 0;
  let hi = seqs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (seqs[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
