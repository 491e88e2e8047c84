// Benchmark 7: placement through PgBouncer in transaction mode, where the
// adapter sends unnamed statements, against the same placements straight to
// PostgreSQL with named statements, interleaved in one run.
import { compare, pooled } from './harness.js';
import type { BenchDatabase } from './pg.js';
import { CALLERS, SKU_COUNT, skuPairs, stockUp } from './placement-pg.js';
import type { BenchResult, BenchSettings } from './report.js';
import { type BenchShop, benchOrder, benchShop } from './shop.js';

/** Benchmark 7: `direct` and `pooled` reach the same PostgreSQL, the second through PgBouncer. */
export async function pgbouncerPlacementBench(settings: BenchSettings, direct: BenchDatabase, pooledDb: BenchDatabase): Promise<BenchResult> {
  const orders = settings.smoke ? 64 : 800;
  const runs = settings.smoke ? 1 : 5;
  const warmup = 1;
  const viaPooler = await pooledDb.storage({ preparedStatements: false });
  const straight = await direct.storage();
  const units = orders * (runs + warmup) + 1;
  await stockUp(viaPooler, units);
  await stockUp(straight, units);
  let run = 0;
  let placed = 0;
  const side = (storage: typeof straight, prefix: string) => ({
    ops: orders,
    prepare: () => {
      run++;
      return { shop: benchShop(storage, `${prefix}${run}_`), pairs: skuPairs(orders, run) };
    },
    run: async (prepared: unknown) => {
      const { shop, pairs } = prepared as { shop: BenchShop; pairs: Array<[string, string]> };
      await pooled(orders, CALLERS, async (i) => {
        const order = await shop.ff.orders.place(benchOrder(pairs[i]));
        if (order.status !== 'processing') throw new Error(`placement: order ${order.id} is ${order.status}`);
        placed++;
      });
    },
  });
  const result = await compare({ warmup, runs, subject: side(viaPooler, 'b'), baseline: side(straight, 'd') });
  const count = async (db: BenchDatabase, schema: string) =>
    Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".orders WHERE status = 'processing'`)).rows[0]?.n ?? 0);
  const stored = (await count(pooledDb, viaPooler.schema)) + (await count(direct, straight.schema));
  return {
    id: 'pgbouncer-placement',
    benchmark: '7. Placement through PgBouncer',
    subject: `orders placed/s through PgBouncer (transaction mode, preparedStatements: false), ${CALLERS} concurrent callers, 2-line orders over ${SKU_COUNT} SKUs`,
    baseline: 'the same placements straight to PostgreSQL with named statements, interleaved',
    unit: 'orders/s',
    subjectValue: result.subject,
    baselineValue: result.baseline,
    ratio: result.ratio,
    target: { on: 'ratio', kind: 'min', value: 0.7, label: '≥ 0.7×' },
    checks: [{ label: `every placed order stored (${stored}/${placed})`, ok: stored === placed }],
    note: `${orders} orders per run; ${pooledDb.pool.options.max} client connections into PgBouncer, ${direct.pool.options.max} direct`,
  };
}
