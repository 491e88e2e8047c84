// Benchmark 2: orders placed per second on PostgreSQL with 16 concurrent
// callers, against one hand-written pg transaction per order with the same writes.
import type pg from 'pg';
import type { DomainEvent } from '../src/domain/events.js';
import type { Order } from '../src/domain/order.js';
import type { OutboxMessage, StorageAdapter } from '../src/ports/storage.js';
import { compare, pooled, seededRandom } from './harness.js';
import type { BenchDatabase } from './pg.js';
import type { BenchResult, BenchSettings } from './report.js';
import { type BenchShop, WAREHOUSE, benchOrder, benchShop } from './shop.js';

export const CALLERS = 16;
export const SKU_COUNT = 64;
export const skuName = (i: number): string => `SKU-${i.toString().padStart(3, '0')}`;

/** Two distinct SKUs per order, the same sequence on both sides. */
export function skuPairs(count: number, seed: number): Array<[string, string]> {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const a = Math.floor(random() * SKU_COUNT);
    const b = (a + 1 + Math.floor(random() * (SKU_COUNT - 1))) % SKU_COUNT;
    return [skuName(a), skuName(b)];
  });
}

/** What one placed order writes, taken from a real placement in memory. */
interface OrderTemplate {
  order: Order;
  events: DomainEvent[];
  outbox: OutboxMessage;
}

async function orderTemplate(): Promise<OrderTemplate> {
  const { ff, storage } = benchShop();
  for (const sku of ['TEE-M', 'MUG-1']) await ff.inventory.receive({ sku, locationId: WAREHOUSE.id, quantity: 1 });
  const order = await ff.orders.place(benchOrder());
  const events = await ff.orders.history(order.id);
  const [outbox] = await storage.claimOutbox({ limit: 1, leaseMs: 1, now: '2100-01-01T00:00:00.000Z' });
  if (!outbox || order.status !== 'processing') throw new Error('placement template: unexpected placement result');
  await ff.close();
  return { order, events, outbox };
}

/**
 * The baseline: what a careful hand-written implementation does in one
 * transaction: reserve both lines (rows locked in SKU order, so concurrent
 * orders cannot deadlock), record the movements and the reservation, then
 * write the order in its final state with its events, lookup key, pick tag
 * and confirmation message.
 */
async function rawPlace(pool: pg.Pool, s: string, t: OrderTemplate, n: number, skus: [string, string]): Promise<void> {
  const id = `raw_${n}`;
  const at = t.order.createdAt;
  const lines = [...skus].sort();
  const shipmentId = `shp_raw_${n}`;
  const order = {
    ...t.order,
    id,
    reservationId: `res_${id}`,
    lines: t.order.lines.map((l, i) => ({ ...l, id: `${id}-${i + 1}`, sku: skus[i] as string })),
    shipments: t.order.shipments.map((sh) => ({
      ...sh,
      id: shipmentId,
      orderId: id,
      lines: sh.lines.map((l, i) => ({ ...l, lineId: `${id}-${i + 1}`, sku: skus[i] as string })),
    })),
  };
  const events = t.events.map((e, i) => ({ ...e, id: `evt_${id}_${i}`, orderId: id }));
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const sku of lines) {
      const r = await client.query(
        `UPDATE ${s}.stock SET reserved = reserved + 1 WHERE sku = $1 AND location_id = $2 AND on_hand - reserved - safety_stock >= 1`,
        [sku, WAREHOUSE.id],
      );
      if (r.rowCount !== 1) throw new Error(`baseline: ${sku} out of stock`);
    }
    await client.query(
      `INSERT INTO ${s}.stock_movements (id, sku, location_id, type, on_hand_delta, reserved_delta, order_id, reservation_id, at)
       SELECT 'mv_' || $1 || '_' || x.n, x.sku, $2, 'reserved', 0, 1, $1, $3, $4 FROM unnest($5::text[]) WITH ORDINALITY AS x(sku, n)`,
      [id, WAREHOUSE.id, order.reservationId, at, lines],
    );
    await client.query(
      `INSERT INTO ${s}.reservations (id, order_id, status, lines, expires_at, expires_ts, op_ids, created_at, updated_at)
       VALUES ($1, $2, 'active', $3, NULL, NULL, '["place:0"]', $4, $4)`,
      [order.reservationId, id, JSON.stringify(lines.map((sku) => ({ sku, locationId: WAREHOUSE.id, quantity: 1, committed: 0, released: 0 }))), at],
    );
    await client.query(
      `INSERT INTO ${s}.orders (id, version, status, status_seq, data, created_at, updated_at)
       VALUES ($1, $2, $3, nextval('${s}.listing_seq'), $4, $5, $5)`,
      [id, order.version, order.status, JSON.stringify(order), at],
    );
    await client.query(`INSERT INTO ${s}.order_events (order_id, event) SELECT $1, e FROM jsonb_array_elements($2::jsonb) AS e`, [
      id,
      JSON.stringify(events),
    ]);
    await client.query(`INSERT INTO ${s}.order_keys (key, order_id) VALUES ($1, $2)`, [`shipment:${shipmentId}`, id]);
    await client.query(`INSERT INTO ${s}.order_tags (tag, seq, order_id) VALUES ($1, nextval('${s}.listing_seq'), $2)`, [`pick:${WAREHOUSE.id}`, id]);
    await client.query(
      `INSERT INTO ${s}.outbox (topic, key, payload, available_at, available_ts, created_at) VALUES ('notification', $1, $2, $3, $4, $3)`,
      [`notify:raw:${id}`, JSON.stringify(t.outbox.payload), at, at],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function stockUp(storage: StorageAdapter, units: number): Promise<void> {
  for (let i = 0; i < SKU_COUNT; i++) {
    await storage.receive({ sku: skuName(i), locationId: WAREHOUSE.id, quantity: units, at: '2026-03-02T09:00:00.000Z' });
  }
}

/** Benchmark 2. */
export async function placementBench(settings: BenchSettings, db: BenchDatabase): Promise<BenchResult> {
  const orders = settings.smoke ? 64 : 800;
  const runs = settings.smoke ? 1 : 5;
  const warmup = 1;
  const template = await orderTemplate();
  const subjectStorage = await db.storage();
  const baselineStorage = await db.storage();
  const s = `"${baselineStorage.schema}"`;
  // Enough stock for every run, so no order is refused.
  const units = orders * (runs + warmup) + 1;
  await stockUp(subjectStorage, units);
  await stockUp(baselineStorage, units);
  let run = 0;
  let placedTotal = 0;
  let rawTotal = 0;
  const result = await compare({
    warmup,
    runs,
    subject: {
      ops: orders,
      prepare: () => {
        const shop = benchShop(subjectStorage, `p${++run}_`);
        return { shop, pairs: skuPairs(orders, run) };
      },
      run: async (prepared) => {
        const { shop, pairs } = prepared as { shop: BenchShop; pairs: Array<[string, string]> };
        await pooled(orders, CALLERS, async (i) => {
          const order = await shop.ff.orders.place(benchOrder(pairs[i]));
          if (order.status !== 'processing') throw new Error(`placement: order ${order.id} is ${order.status}`);
          placedTotal++;
        });
      },
    },
    baseline: {
      ops: orders,
      prepare: () => ({ base: rawTotal, pairs: skuPairs(orders, run + 1000) }),
      run: async (prepared) => {
        const { base, pairs } = prepared as { base: number; pairs: Array<[string, string]> };
        rawTotal += orders;
        await pooled(orders, CALLERS, (i) => rawPlace(db.pool, s, template, base + i, pairs[i] as [string, string]));
      },
    },
  });
  const counted = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${subjectStorage.schema}".orders WHERE status = 'processing'`);
  const stored = Number(counted.rows[0]?.n ?? 0);
  return {
    id: 'placement-pg',
    benchmark: '2. Placement on PostgreSQL',
    subject: `orders placed/s through orders.place, ${CALLERS} concurrent callers, 2-line orders over ${SKU_COUNT} SKUs`,
    baseline: 'one hand-written pg transaction per order with the same final writes (2 stock rows, 2 movements, reservation, order, events, key, tag, outbox), 16 callers',
    unit: 'orders/s',
    subjectValue: result.subject,
    baselineValue: result.baseline,
    ratio: result.ratio,
    target: { on: 'ratio', kind: 'min', value: 1.5, label: '≥ 1.5×' },
    checks: [{ label: `every placed order stored (${stored}/${placedTotal})`, ok: stored === placedTotal }],
    note: `${orders} orders per run, pool of ${db.pool.options.max} connections`,
  };
}
