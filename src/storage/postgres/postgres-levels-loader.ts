// Coalesces concurrent levels() reads of one process into one query: a
// flash sale reads the same hot SKU thousands of times within a few ticks.
import type { LocationLevel } from '../../domain/inventory.js';

interface Waiting {
  skus: readonly string[];
  resolve: (levels: LocationLevel[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Collects the SKUs asked for during one tick and reads them with a single
 * statement. Each caller's read still happens after its call and before its
 * answer, so it sees committed data no older than a lone query would.
 */
export class LevelsLoader {
  private waiting: Waiting[] = [];

  constructor(private readonly read: (skus: string[]) => Promise<LocationLevel[]>) {}

  /** Levels of `skus` (distinct, non-empty), sorted as the caller wants them by its own code. */
  load(skus: readonly string[]): Promise<LocationLevel[]> {
    return new Promise<LocationLevel[]>((resolve, reject) => {
      if (this.waiting.length === 0) queueMicrotask(() => this.flush());
      this.waiting.push({ skus, resolve, reject });
    });
  }

  private flush(): void {
    const batch = this.waiting;
    this.waiting = [];
    const union = [...new Set(batch.flatMap((w) => w.skus))];
    this.read(union).then(
      (rows) => {
        const bySku = new Map<string, LocationLevel[]>();
        for (const row of rows) {
          const list = bySku.get(row.sku);
          if (list === undefined) bySku.set(row.sku, [row]);
          else list.push(row);
        }
        // Fresh objects per caller: no two callers share a level.
        for (const w of batch) w.resolve(w.skus.flatMap((sku) => (bySku.get(sku) ?? []).map((l) => ({ ...l }))));
      },
      (error: unknown) => {
        for (const w of batch) w.reject(error);
      },
    );
  }
}
