// Fill a PostgreSQL store with a million orders in minutes: a few template
// orders are taken through the real engine (placed, shipped, delivered,
// cancelled), then copied in bulk SQL, row for row as the adapter wrote them —
// order rows, lookup keys, listing tags, events, reservations and ledger rows —
// with every id, payment id, tracking number and label id made unique per copy.
// Pending outbox messages are not copied: a live shop's outbox holds what is
// still to be delivered, not its history.
import type { Order } from '../src/domain/order.js';
import type { BenchDatabase } from './pg.js';
import { type BenchShop, WAREHOUSE, benchOrder, benchShop } from './shop.js';

/** Every template id carries this marker (the template shop's id namespace); a copy's marker names the copy. */
const MARKER = '_tpl';
const BATCH = 25_000;

interface Template {
  order: Order;
  /** Ids the providers issued (payment, label, tracking), unique per order in a real shop. */
  providerIds: string[];
}

/** A PostgreSQL store filled with copies of engine-written orders. */
export interface PrefilledStore {
  shop: BenchShop;
  /** Copies written so far (the templates not counted). */
  copies: number;
  /** The id of copy `n`. */
  idAt(n: number): string;
}

const copyMarker = (n: number) => `_p${n}q`;

async function makeTemplates(shop: BenchShop): Promise<Template[]> {
  const { ff, clock } = shop;
  for (const sku of ['TEE-M', 'MUG-1']) await ff.inventory.receive({ sku, locationId: WAREHOUSE.id, quantity: 50_000_000 });
  const ship = async (order: Order): Promise<{ carrierId: string; trackingNumber: string }> => {
    const list = await ff.fulfillment.pickList({ locationId: WAREHOUSE.id, limit: 1 });
    const shipmentId = list.shipmentIds[0];
    if (shipmentId === undefined) throw new Error(`prefill: nothing to pick for ${order.id}`);
    await ff.fulfillment.confirmPick(shipmentId, { lines: order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) });
    await ff.fulfillment.pack(shipmentId);
    const { shipment } = await ff.fulfillment.ship(shipmentId);
    if (!shipment.label || !shipment.rate) throw new Error(`prefill: ${shipmentId} has no label`);
    return { carrierId: shipment.rate.carrierId, trackingNumber: shipment.label.trackingNumber };
  };
  // One order at a time, so the pick list always hands out the one just placed.
  const delivered = await ff.orders.place(benchOrder());
  const road = await ship(delivered);
  for (const status of ['in_transit', 'out_for_delivery', 'delivered'] as const) {
    clock.advance(60_000);
    await ff.tracking.record({ ...road, status, occurredAt: clock.iso() });
  }
  const shipped = await ff.orders.place(benchOrder());
  await ship(shipped);
  const cancelled = await ff.orders.place(benchOrder());
  await ff.orders.cancel(cancelled.id, { reason: 'changed their mind' });
  const open = await ff.orders.place(benchOrder());
  const templates: Template[] = [];
  for (const id of [open.id, shipped.id, delivered.id, cancelled.id]) {
    const order = await ff.orders.get(id);
    if (!order) throw new Error(`prefill: template ${id} vanished`);
    const providerIds = [order.payment.paymentId, ...order.shipments.flatMap((s) => [s.label?.trackingNumber, s.label?.labelId])];
    templates.push({ order, providerIds: providerIds.filter((x): x is string => typeof x === 'string' && x.length > 0) });
  }
  const statuses = templates.map((t) => t.order.status).join(', ');
  if (statuses !== 'processing, shipped, delivered, cancelled') throw new Error(`prefill: templates are ${statuses}`);
  for (const t of templates) {
    if (!t.order.id.includes(MARKER)) throw new Error(`prefill: template id ${t.order.id} lacks ${MARKER}`);
    for (const id of t.providerIds) if (id.includes(MARKER)) throw new Error(`prefill: provider id ${id} contains ${MARKER}`);
  }
  return templates;
}

/**
 * Text of `column` rewritten for copy `g.n`: the id marker names the copy, and
 * each provider id gets the copy number appended. `$4` is the marker, the
 * provider ids follow from `$5`.
 */
function rewrite(column: string, providerIds: number): string {
  let expr = `replace(${column}, $4::text, '_p' || g.n || 'q')`;
  for (let i = 0; i < providerIds; i++) expr = `replace(${expr}, $${5 + i}::text, $${5 + i}::text || 'C' || g.n)`;
  return expr;
}

/** Copies `from` (inclusive) to `to` (exclusive) of template `index` of `count`, all tables, one transaction. */
async function copyBatch(db: BenchDatabase, schema: string, templates: Template[], index: number, from: number, to: number): Promise<void> {
  const template = templates[index] as Template;
  const T = templates.length;
  const first = from + ((((index - from) % T) + T) % T);
  if (first >= to) return;
  const s = `"${schema}"`;
  const R = (column: string) => rewrite(column, template.providerIds.length);
  const series = `generate_series($2::bigint, $3::bigint - 1, ${T}) AS g(n)`;
  const values = [template.order.id, first, to, MARKER, ...template.providerIds];
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO ${s}.orders (id, version, status, status_seq, data, created_at, updated_at)
       SELECT id, version, status, nextval('${s}.listing_seq'), data, created_at, updated_at FROM (
         SELECT ${R('o.id')} AS id, o.version, o.status, ${R('o.data::text')}::jsonb AS data, o.created_at, o.updated_at
         FROM ${s}.orders o, ${series} WHERE o.id = $1 ORDER BY g.n) AS copies`,
      values,
    );
    await client.query(
      `INSERT INTO ${s}.order_keys (key, order_id)
       SELECT ${R('k.key')}, ${R('k.order_id')} FROM ${s}.order_keys k, ${series} WHERE k.order_id = $1`,
      values,
    );
    await client.query(
      `INSERT INTO ${s}.order_tags (tag, seq, order_id)
       SELECT tag, nextval('${s}.listing_seq'), order_id FROM (
         SELECT t.tag, ${R('t.order_id')} AS order_id FROM ${s}.order_tags t, ${series} WHERE t.order_id = $1 ORDER BY g.n, t.seq) AS copies`,
      values,
    );
    await client.query(
      `INSERT INTO ${s}.order_events (order_id, event)
       SELECT ${R('e.order_id')}, ${R('e.event::text')}::jsonb FROM ${s}.order_events e, ${series} WHERE e.order_id = $1 ORDER BY g.n, e.seq`,
      values,
    );
    await client.query(
      `INSERT INTO ${s}.reservations (id, order_id, status, lines, expires_at, expires_ts, op_ids, created_at, updated_at)
       SELECT ${R('r.id')}, ${R('r.order_id')}, r.status, r.lines, r.expires_at, r.expires_ts, ${R('r.op_ids::text')}::jsonb, r.created_at, r.updated_at
       FROM ${s}.reservations r, ${series} WHERE r.order_id = $1`,
      values,
    );
    await client.query(
      `INSERT INTO ${s}.stock_movements (id, sku, location_id, type, on_hand_delta, reserved_delta, order_id, reservation_id, reason, at)
       SELECT m.id || '-' || g.n, m.sku, m.location_id, m.type, m.on_hand_delta, m.reserved_delta, ${R('m.order_id')}, ${R('m.reservation_id')},
              ${R('m.reason')}, m.at
       FROM ${s}.stock_movements m, ${series} WHERE m.order_id = $1 ORDER BY g.n, m.seq`,
      values,
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** A store over a fresh schema, with its templates written through the engine. */
export async function openPrefilledStore(db: BenchDatabase, namespace: string): Promise<PrefilledStore & { templates: Template[] }> {
  const storage = await db.storage();
  const templates = await makeTemplates(benchShop(storage, MARKER.slice(1)));
  const shop = benchShop(storage, namespace);
  const T = templates.length;
  return {
    shop,
    copies: 0,
    templates,
    idAt: (n) => (templates[n % T] as Template).order.id.replace(MARKER, copyMarker(n)),
  };
}

/**
 * Copy templates until the store holds `target` copies, printing progress for
 * large fills, then bring stock in line with the ledger and vacuum, so the
 * measurement starts on settled tables.
 */
export async function prefill(db: BenchDatabase, store: PrefilledStore & { templates: Template[] }, target: number, label: string): Promise<void> {
  const schema = (store.shop.storage as unknown as { schema: string }).schema;
  const started = performance.now();
  const from = store.copies;
  const step = Math.max(BATCH, Math.floor((target - from) / 20));
  let reported = from;
  for (let at = from; at < target; at += BATCH) {
    const to = Math.min(target, at + BATCH);
    // One connection per template: the copies of different templates touch different rows.
    await Promise.all(store.templates.map((_, t) => copyBatch(db, schema, store.templates, t, at, to)));
    store.copies = to;
    if (target - from >= 50_000 && (to - reported >= step || to === target)) {
      reported = to;
      const s = ((performance.now() - started) / 1000).toFixed(0);
      process.stdout.write(`\r  ${label}: prefill ${Math.round(((to - from) / (target - from)) * 100)} % (${to.toLocaleString('en-US')} of ${target.toLocaleString('en-US')} orders, ${s} s) `);
      if (to === target) process.stdout.write('\n');
    }
  }
  const s = `"${schema}"`;
  // The copies' reservations and commits, applied to stock as the ledger says.
  await db.pool.query(
    `UPDATE ${s}.stock c SET on_hand = l.on_hand, reserved = l.reserved
     FROM (SELECT sku, location_id, sum(on_hand_delta)::int AS on_hand, sum(reserved_delta)::int AS reserved FROM ${s}.stock_movements GROUP BY sku, location_id) l
     WHERE c.sku = l.sku AND c.location_id = l.location_id`,
  );
  for (const table of ['orders', 'order_keys', 'order_tags', 'order_events', 'reservations', 'stock_movements', 'stock']) {
    await db.pool.query(`VACUUM (ANALYZE) ${s}.${table}`);
  }
  // Write the gigabytes just copied out now, not during the measurement (needs superuser or
  // pg_checkpoint; without either the measurement may overlap a checkpoint).
  await db.pool.query('CHECKPOINT').catch(() => undefined);
}
