// Benchmark 3: a flash sale on PostgreSQL. Many more single-unit orders than
// units arrive at once; exactly the stock must be sold, and fast.
import { isFulfillmentError } from '../src/domain/errors.js';
import { compare } from './harness.js';
import type { BenchDatabase } from './pg.js';
import type { BenchResult, BenchSettings } from './report.js';
import { WAREHOUSE, benchShop, singleUnitOrder } from './shop.js';

const HOT = 'HOT-1';
const AT = '2026-03-02T09:00:00.000Z';

/** Benchmark 3. */
/** A fresh schema holding `units` of the hot SKU. */
async function stockedStore(db: BenchDatabase, units: number) {
  const storage = await db.storage();
  await storage.receive({ sku: HOT, locationId: WAREHOUSE.id, quantity: units, at: AT });
  return storage;
}

/** Orders and units of the storm: 10,000 for 1,000, or a tenth-size smoke. */
function stormSize(settings: BenchSettings): { orders: number; units: number } {
  return settings.smoke ? { orders: 500, units: 50 } : { orders: 10_000, units: 1_000 };
}

/** The naive flash sale: one conditional UPDATE per order on the hot row, all at once. */
function naiveBaseline(db: BenchDatabase, orders: number, units: number, failures: string[]) {
  return {
    ops: orders,
    prepare: async () => {
      const storage = await stockedStore(db, units);
      return `"${storage.schema}"`;
    },
    run: async (prepared: unknown) => {
      const s = prepared as string;
      const text = `UPDATE ${s}.stock SET reserved = reserved + 1 WHERE sku = $1 AND location_id = $2 AND on_hand - reserved >= 1`;
      const counts = await Promise.all(Array.from({ length: orders }, () => db.pool.query(text, [HOT, WAREHOUSE.id]).then((r) => r.rowCount ?? 0)));
      const reserved = counts.reduce((n, c) => n + c, 0);
      if (reserved !== units) failures.push(`baseline reserved ${reserved}`);
    },
  };
}

/**
 * Benchmark 3 at the layer the baseline works at: each order's all-or-nothing
 * reservation exactly as the engine makes it (`storage.reserve` with a
 * reservation id, order id, opId and expiry), 10,000 at once.
 */
export async function hotSkuReservationBench(settings: BenchSettings, db: BenchDatabase): Promise<BenchResult> {
  const { orders, units } = stormSize(settings);
  const failures: string[] = [];
  let run = 0;
  const result = await compare({
    warmup: settings.smoke ? 0 : 1,
    runs: settings.smoke ? 1 : 5,
    subject: {
      ops: orders,
      prepare: async () => {
        const storage = await stockedStore(db, units);
        return { storage, tag: `r${++run}` };
      },
      run: async (prepared) => {
        const { storage, tag } = prepared as { storage: Awaited<ReturnType<BenchDatabase['storage']>>; tag: string };
        const expiresAt = new Date(Date.parse(AT) + 15 * 60_000).toISOString();
        const outcomes = await Promise.allSettled(
          Array.from({ length: orders }, (_, n) =>
            storage.reserve({
              reservationId: `res_${tag}_${n}`,
              orderId: `${tag}_${n}`,
              lines: [{ sku: HOT, locationId: WAREHOUSE.id, quantity: 1 }],
              expiresAt,
              opId: 'place:0',
              at: AT,
            }),
          ),
        );
        const granted = outcomes.filter((o) => o.status === 'fulfilled').length;
        const refused = outcomes.filter((o) => o.status === 'rejected' && isFulfillmentError(o.reason, 'INSUFFICIENT_STOCK')).length;
        if (granted !== units || refused !== orders - units) failures.push(`reserve granted ${granted}, refused ${refused} of ${orders}`);
      },
      verify: async (prepared) => {
        const { storage } = prepared as { storage: Awaited<ReturnType<BenchDatabase['storage']>> };
        const [level] = await storage.levels([HOT]);
        if (level?.reserved !== units) failures.push(`reserve left ${JSON.stringify(level)}`);
      },
    },
    baseline: naiveBaseline(db, orders, units, failures),
  });
  return {
    id: 'hot-sku-pg',
    benchmark: '3. Hot SKU on PostgreSQL',
    subject: `reservations/s: ${orders.toLocaleString('en-US')} concurrent single-unit order reservations (storage.reserve, as orders.place makes them) for one SKU with ${units.toLocaleString('en-US')} units`,
    baseline: 'naive: one conditional UPDATE … WHERE on_hand - reserved >= 1 per order on the hot row, all at once',
    unit: 'orders/s',
    subjectValue: result.subject,
    baselineValue: result.baseline,
    ratio: result.ratio,
    target: { on: 'ratio', kind: 'min', value: 5, label: `exactly ${units} reserved, ≥ 5×` },
    checks: [{ label: `exactly ${units} reserved, the rest refused, in every run`, ok: failures.length === 0 }],
    note:
      failures.length > 0
        ? failures.join('; ')
        : `pool of ${db.pool.options.max} connections; concurrent reserves of one process coalesce into one locking transaction per batch`,
  };
}

/** Benchmark 3, whole placements: the same storm through orders.place (validation, payment, order write). */
export async function hotSkuBench(settings: BenchSettings, db: BenchDatabase): Promise<BenchResult> {
  const { orders, units } = stormSize(settings);
  const failures: string[] = [];
  let run = 0;
  const result = await compare({
    warmup: settings.smoke ? 0 : 1,
    runs: settings.smoke ? 1 : 3,
    subject: {
      ops: orders,
      prepare: async () => {
        const storage = await stockedStore(db, units);
        return benchShop(storage, `h${++run}_`);
      },
      run: async (prepared) => {
        const { ff } = prepared as ReturnType<typeof benchShop>;
        const outcomes = await Promise.allSettled(Array.from({ length: orders }, () => ff.orders.place(singleUnitOrder(HOT))));
        const placed = outcomes.filter((o) => o.status === 'fulfilled').length;
        const refused = outcomes.filter((o) => o.status === 'rejected' && isFulfillmentError(o.reason, 'INSUFFICIENT_STOCK')).length;
        if (placed !== units || refused !== orders - units) {
          const other = outcomes.find((o) => o.status === 'rejected' && !isFulfillmentError(o.reason, 'INSUFFICIENT_STOCK'));
          failures.push(`engine placed ${placed}, refused ${refused} of ${orders}${other?.status === 'rejected' ? ` (${String(other.reason)})` : ''}`);
        }
      },
      verify: async (prepared) => {
        const { ff } = prepared as ReturnType<typeof benchShop>;
        const level = await ff.inventory.level(HOT);
        if (level.reserved !== units || level.onHand !== units) failures.push(`engine left ${JSON.stringify({ onHand: level.onHand, reserved: level.reserved })}`);
      },
    },
    baseline: naiveBaseline(db, orders, units, failures),
  });
  return {
    id: 'hot-sku-pg-place',
    benchmark: '3. Hot SKU on PostgreSQL, whole placements',
    subject: `orders/s: ${orders.toLocaleString('en-US')} concurrent single-unit orders.place calls for one SKU with ${units.toLocaleString('en-US')} units`,
    baseline: 'naive: one conditional UPDATE … WHERE on_hand - reserved >= 1 per order on the hot row, all at once',
    unit: 'orders/s',
    subjectValue: result.subject,
    baselineValue: result.baseline,
    ratio: result.ratio,
    target: { on: 'ratio', kind: 'min', value: 3, label: `exactly ${units} reserved, ≥ 3×` },
    checks: [{ label: `exactly ${units} reserved, the rest refused, in every run`, ok: failures.length === 0 }],
    note: failures.length > 0 ? failures.join('; ') : `pool of ${db.pool.options.max} connections; throughput counts every order, accepted or refused`,
  };
}
