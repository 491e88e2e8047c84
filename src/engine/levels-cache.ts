// A few milliseconds of stock-level reads shared by concurrent placements in
// one process. Allocation may start from them; a refusal or a backorder never
// rests on them, and a reserve that finds them stale re-reads.
import type { LocationLevel } from '../domain/inventory.js';
import type { StockLine } from '../ports/storage.js';

/** Cached level reads, keyed by SKU. */
export class LevelsCache {
  private readonly entries = new Map<string, { readAt: number; rows: LocationLevel[] }>();

  constructor(private readonly ttlMs: number) {}

  /** The rows of every SKU, or `null` when any is missing or older than the TTL. */
  get(skus: readonly string[]): LocationLevel[] | null {
    if (this.ttlMs <= 0) return null;
    const now = Date.now();
    const rows: LocationLevel[] = [];
    for (const sku of skus) {
      const entry = this.entries.get(sku);
      if (!entry || now - entry.readAt > this.ttlMs) return null;
      rows.push(...entry.rows);
    }
    return rows.map((r) => ({ ...r }));
  }

  /** Remember a fresh read. */
  put(skus: readonly string[], rows: readonly LocationLevel[]): void {
    if (this.ttlMs <= 0) return;
    const readAt = Date.now();
    if (this.entries.size > 10_000) this.entries.clear();
    for (const sku of skus) this.entries.set(sku, { readAt, rows: rows.filter((r) => r.sku === sku).map((r) => ({ ...r })) });
  }

  /** Account for units this process just reserved, so the next allocation sees them gone. */
  reserved(lines: readonly StockLine[]): void {
    for (const line of lines) {
      const row = this.entries.get(line.sku)?.rows.find((r) => r.locationId === line.locationId);
      if (!row) continue;
      row.reserved += line.quantity;
      row.available = Math.max(0, row.available - line.quantity);
    }
  }

  /** Forget SKUs whose cached levels proved wrong. */
  drop(skus: readonly string[]): void {
    for (const sku of skus) this.entries.delete(sku);
  }
}
