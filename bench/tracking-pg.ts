// Benchmark 8: carrier webhooks at volume on PostgreSQL. Signed sandbox
// webhooks (one scan each, with duplicates and out-of-order deliveries in the
// mix) go through tracking.handleWebhook from 16 concurrent senders, against a
// hand-written transaction per delivery that inserts the event and moves the
// shipment forward.
import type pg from 'pg';
import { memoryNotifier } from '../src/notifiers/memory/memory-notifier.js';
import { type SandboxCarrier, sandboxCarrier } from '../src/carriers/sandbox/sandbox-carrier.js';
import { sandboxPayment } from '../src/payments/sandbox/sandbox-payment.js';
import { type Fulfillment, createFulfillment } from '../src/index.js';
import type { StorageAdapter } from '../src/ports/storage.js';
import type { SignedWebhookRequest } from '../src/tracking/webhook-signature.js';
import { type FakeClock, fakeClock } from '../src/testing/fake-clock.js';
import { compare, counterIds, pooled, seededRandom } from './harness.js';
import type { BenchDatabase } from './pg.js';
import type { BenchResult, BenchSettings } from './report.js';
import { WAREHOUSE, benchOrder } from './shop.js';

export const SENDERS = 16;
const DAY = 86_400_000;
/** Share of deliveries sent a second time. */
const DUPLICATE_SHARE = 0.25;

interface Delivery {
  trackingNumber: string;
  scanId: string;
  /** Normalized on the baseline side the way the adapter does it, from the carrier code. */
  code: string;
  occurredAt: string;
  request: SignedWebhookRequest;
}

interface TrackingShop {
  ff: Fulfillment;
  clock: FakeClock;
  carrier: SandboxCarrier;
}

function trackingShop(storage: StorageAdapter): TrackingShop {
  const clock = fakeClock('2026-03-02T09:00:00.000Z');
  const carrier = sandboxCarrier({ clock });
  const ff = createFulfillment({
    storage,
    clock,
    locations: [WAREHOUSE],
    carriers: [carrier],
    payments: sandboxPayment({ clock }),
    notifier: memoryNotifier(),
    generateId: counterIds('t'),
  });
  return { ff, clock, carrier };
}

/** Place, pick, pack and ship `count` orders (untimed), with a progress line for the long prefill. */
async function shipOrders(shop: TrackingShop, count: number, label: string): Promise<string[]> {
  const { ff } = shop;
  for (const sku of ['TEE-M', 'MUG-1']) await ff.inventory.receive({ sku, locationId: WAREHOUSE.id, quantity: count, bin: 'A-01-1' });
  const tracking: string[] = [];
  let done = 0;
  await pooled(count, 8, async () => {
    const placed = await ff.orders.place(benchOrder());
    const shipmentId = placed.shipments[0]?.id;
    if (shipmentId === undefined) throw new Error(`tracking: order ${placed.id} has no shipment`);
    await ff.fulfillment.confirmPick(shipmentId, { lines: placed.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) });
    await ff.fulfillment.pack(shipmentId);
    const { shipment } = await ff.fulfillment.ship(shipmentId);
    if (!shipment.label) throw new Error(`tracking: shipment ${shipmentId} has no label`);
    tracking.push(shipment.label.trackingNumber);
    done++;
    if (done % 100 === 0 || done === count) process.stdout.write(`\r  ${label}: shipped ${done}/${count} parcels for the webhooks … `);
  });
  return tracking;
}

/**
 * Every scan of the given parcels as its own signed webhook, a quarter of them
 * twice, shuffled (so a parcel's scans arrive out of order), the same sequence
 * for the same seed.
 */
async function deliveries(carrier: SandboxCarrier, parcels: ReadonlySet<string>, seed: number): Promise<Delivery[]> {
  const all: Delivery[] = [];
  for (const request of await carrier.webhooksSince()) {
    const body = JSON.parse(String(request.rawBody)) as { tracking_number: string; events: Array<{ id: string; code: string; occurred_at: string }> };
    if (!parcels.has(body.tracking_number)) continue;
    const scan = body.events[0];
    if (scan === undefined) continue;
    all.push({ trackingNumber: body.tracking_number, scanId: scan.id, code: scan.code, occurredAt: scan.occurred_at, request });
  }
  const random = seededRandom(seed);
  const shuffle = (list: Delivery[]): Delivery[] => {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j] as Delivery, list[i] as Delivery];
    }
    return list;
  };
  // A fixed number of duplicates, so every round sends as many webhooks.
  const repeats = shuffle([...all]).slice(0, Math.floor(all.length * DUPLICATE_SHARE));
  return shuffle([...all, ...repeats]);
}

const RANK: Record<string, number> = { LABEL_CREATED: 0, PICKED_UP: 1, DEPARTED_FACILITY: 2, OUT_FOR_DELIVERY: 3, DELIVERY_ATTEMPTED: 3, DELIVERED: 4 };

async function baselineTables(pool: pg.Pool, s: string, parcels: readonly string[]): Promise<void> {
  await pool.query(`CREATE TABLE ${s}.raw_shipments (tracking_number text PRIMARY KEY, status text NOT NULL, rank int NOT NULL, last_at timestamptz, data jsonb NOT NULL)`);
  await pool.query(`CREATE TABLE ${s}.raw_tracking_events (id text PRIMARY KEY, tracking_number text NOT NULL, status text NOT NULL, occurred_at timestamptz NOT NULL)`);
  await pool.query(
    `INSERT INTO ${s}.raw_shipments (tracking_number, status, rank, last_at, data) SELECT t, 'label_purchased', 0, NULL, '{}'::jsonb FROM unnest($1::text[]) AS t`,
    [parcels],
  );
}

/**
 * The baseline: one transaction per delivery. A duplicate is recognised by
 * the event's primary key; a new event moves the shipment only when it is
 * further along than what the shipment shows.
 */
async function rawApply(pool: pg.Pool, s: string, d: Delivery): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const inserted = await client.query(
      `INSERT INTO ${s}.raw_tracking_events (id, tracking_number, status, occurred_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
      [d.scanId, d.trackingNumber, d.code, d.occurredAt],
    );
    if (inserted.rowCount === 1) {
      await client.query(
        `UPDATE ${s}.raw_shipments SET status = $2, rank = $3, last_at = $4, data = data || jsonb_build_object('last', $2::text) WHERE tracking_number = $1 AND rank < $3`,
        [d.trackingNumber, d.code, RANK[d.code] ?? 0, d.occurredAt],
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Benchmark 8. */
export async function trackingBench(settings: BenchSettings, db: BenchDatabase): Promise<BenchResult> {
  const perRun = settings.smoke ? 12 : 120;
  const runs = settings.smoke ? 1 : 3;
  const warmup = 1;
  const rounds = runs + warmup;
  const subjectStorage = await db.storage();
  const baselineStorage = await db.storage();
  const s = `"${baselineStorage.schema}"`;
  const shop = trackingShop(subjectStorage);
  const parcels = await shipOrders(shop, perRun * rounds, '8. tracking');
  process.stdout.write('\n');
  // Every scan of every journey is due: the parcels were handed over, then a week passed.
  shop.clock.advance(7 * DAY);
  const batches = Array.from({ length: rounds }, (_, r) => parcels.slice(r * perRun, (r + 1) * perRun));
  const mixes: Delivery[][] = [];
  for (const [r, batch] of batches.entries()) mixes.push(await deliveries(shop.carrier, new Set(batch), 1000 + r));
  if (new Set(mixes.map((m) => m.length)).size !== 1) throw new Error('tracking: rounds send different numbers of webhooks');
  await baselineTables(db.pool, s, parcels);

  let subjectRound = 0;
  let baselineRound = 0;
  let sent = 0;
  let applied = 0;
  let ignored = 0;
  const result = await compare({
    warmup,
    runs,
    subject: {
      ops: mixes[0]?.length ?? 0,
      prepare: () => mixes[subjectRound++] as Delivery[],
      run: async (prepared) => {
        const mix = prepared as Delivery[];
        await pooled(mix.length, SENDERS, async (i) => {
          const outcome = await shop.ff.tracking.handleWebhook('sandbox', (mix[i] as Delivery).request);
          sent++;
          applied += outcome.applied;
          ignored += outcome.ignored;
        });
      },
    },
    baseline: {
      ops: mixes[0]?.length ?? 0,
      prepare: () => mixes[baselineRound++] as Delivery[],
      run: async (prepared) => {
        const mix = prepared as Delivery[];
        await pooled(mix.length, SENDERS, (i) => rawApply(db.pool, s, mix[i] as Delivery));
      },
    },
  });
  const delivered = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${subjectStorage.schema}".orders WHERE status = 'delivered'`);
  const deliveredOrders = Number(delivered.rows[0]?.n ?? 0);
  const rawDelivered = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${s}.raw_shipments WHERE status = 'DELIVERED'`);
  const unique = mixes.reduce((n, mix) => n + new Set(mix.map((d) => d.scanId)).size, 0);
  await shop.ff.close();
  return {
    id: 'tracking-pg',
    benchmark: '8. Tracking at volume on PostgreSQL',
    subject: `webhook deliveries/s through tracking.handleWebhook (verify the signature, normalize, apply), ${SENDERS} concurrent senders, one scan per webhook, ${Math.round(DUPLICATE_SHARE * 100)} % sent twice, shuffled so scans arrive out of order`,
    baseline: `one hand-written pg transaction per delivery: insert the event (a duplicate hits its primary key) and move the shipment when the scan is further along, ${SENDERS} senders`,
    unit: 'deliveries/s',
    subjectValue: result.subject,
    baselineValue: result.baseline,
    ratio: result.ratio,
    target: { on: 'ratio', kind: 'min', value: 1, label: '≥ 1×' },
    checks: [
      { label: `every parcel of the timed rounds delivered (${deliveredOrders}/${parcels.length})`, ok: deliveredOrders === parcels.length },
      { label: `baseline delivered every parcel too (${Number(rawDelivered.rows[0]?.n ?? 0)}/${parcels.length})`, ok: Number(rawDelivered.rows[0]?.n ?? 0) === parcels.length },
      { label: `every webhook answered (${sent} sent, ${applied} events applied, ${ignored} ignored)`, ok: sent === mixes.reduce((n, m) => n + m.length, 0) },
    ],
    note: `${perRun} parcels per round (${mixes[0]?.length ?? 0} deliveries, ${unique} distinct scans over all rounds), pool of ${db.pool.options.max} connections; the baseline does not verify signatures`,
  };
}
