// The hot-SKU race: 10,000 concurrent single-unit holds on 100 units. Add an
// adapter to `adapters` (e.g. PostgreSQL on a pool) to run the same race on it.
import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../src/storage/memory/memory-storage.js';
import type { StorageAdapter } from '../../src/ports/storage.js';
import { runHotSkuScenario } from '../../src/testing/storage-hot-sku.js';

interface RaceTarget {
  name: string;
  open: () => StorageAdapter | Promise<StorageAdapter>;
  /** Skip when the backing service is unavailable. */
  enabled: boolean;
}

const adapters: RaceTarget[] = [{ name: 'memoryStorage', open: () => memoryStorage(), enabled: true }];

describe.each(adapters)('hot SKU race on $name', ({ open, enabled }) => {
  it.skipIf(!enabled)('10,000 attempts on 100 units: exactly 100 succeed, the rest are INSUFFICIENT_STOCK, the ledger reconciles', async () => {
    const storage = await open();
    try {
      const report = await runHotSkuScenario(storage, { attempts: 10_000, stock: 100 });
      expect(report.violations).toEqual([]);
      expect(report.reserved).toBe(100);
      expect(report.rejected).toBe(9_900);
      expect(report.errors).toEqual([]);
      expect(report.level).toMatchObject({ onHand: 100, reserved: 100, available: 0 });
      expect(report.ledger).toEqual({ onHand: 100, reserved: 100 });
      const ledger = await storage.ledger(report.sku);
      expect(ledger.filter((m) => m.type === 'reserved')).toHaveLength(100);
    } finally {
      await storage.close();
    }
  });

  it.skipIf(!enabled)('more stock than attempts: every attempt succeeds', async () => {
    const storage = await open();
    try {
      const report = await runHotSkuScenario(storage, { attempts: 500, stock: 600 });
      expect(report.violations).toEqual([]);
      expect(report.level).toMatchObject({ onHand: 600, reserved: 500, available: 100 });
    } finally {
      await storage.close();
    }
  });
});
