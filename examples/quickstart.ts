// A simulated trading day on the in-memory default: two warehouses, twenty
// SKUs, a few hundred orders, and every twist a real day brings. Deterministic
// under a seed and a fake clock; uses only the public API.
import { type Fulfillment, type OrderInput, createFulfillment, formatMoney } from 'fulfillkit';
import { memoryNotifier, sandboxCarrier, sandboxPayment, tableRateCarrier } from 'fulfillkit/adapters';
import { memoryStorage } from 'fulfillkit/memory';
import { fakeClock } from 'fulfillkit/testing';

const SEED = Number(process.env.SEED ?? 20261128);
const ORDER_COUNT = Number(process.env.ORDERS ?? 300);
const MINUTE = 60_000;
const DAY = 86_400_000;

// ---- deterministic randomness ------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const between = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
let idCounter = 0;
const generateId = (prefix: string): string => `${prefix}_${(++idCounter).toString(36).padStart(6, '0')}`;

// ---- the shop ----------------------------------------------------------------

const clock = fakeClock('2026-11-27T08:00:00.000Z');
const swift = sandboxCarrier({
  id: 'swiftship',
  name: 'SwiftShip',
  clock,
  // Every 40th parcel meets a closed door once before it is delivered.
  scenario: (trackingNumber) => (hash(trackingNumber) % 40 === 0 ? 'failed_then_delivered' : 'delivered'),
});
const ground = tableRateCarrier({
  id: 'groundline',
  name: 'GroundLine',
  clock,
  trackingPrefix: 'GL',
  table: {
    currency: 'USD',
    zones: [
      { id: 'west', countries: ['US'], postalPrefixes: ['8', '9'] },
      { id: 'us', countries: ['US'] },
    ],
    services: [
      {
        service: 'ground',
        speed: 'economy',
        transitDays: 5,
        prices: {
          west: { weightBands: [{ upToGrams: 1000, amount: 545 }, { upToGrams: 5000, amount: 845 }, { upToGrams: 30000, amount: 1795 }], freeOver: 25000 },
          us: { weightBands: [{ upToGrams: 1000, amount: 695 }, { upToGrams: 5000, amount: 1095 }, { upToGrams: 30000, amount: 2295 }], freeOver: 25000 },
        },
      },
    ],
  },
});
const payments = sandboxPayment({ clock });
const notifier = memoryNotifier();

const ff: Fulfillment = createFulfillment({
  storage: memoryStorage(),
  clock,
  generateId,
  locations: [
    {
      id: 'newark',
      name: 'Newark DC',
      address: { name: 'Newark DC', line1: '1 Dock Rd', city: 'Newark', region: 'NJ', postalCode: '07102', country: 'US' },
      coordinates: { lat: 40.7357, lng: -74.1724 },
      priority: 1,
    },
    {
      id: 'reno',
      name: 'Reno DC',
      address: { name: 'Reno DC', line1: '400 Sierra Pkwy', city: 'Reno', region: 'NV', postalCode: '89502', country: 'US' },
      coordinates: { lat: 39.5296, lng: -119.8138 },
      priority: 2,
    },
  ],
  carriers: [swift, ground],
  payments,
  notifier,
  policy: { allocation: 'nearest', rateSelection: 'cheapest', backorders: true, capture: 'on_ship', reservationTtlMs: 30 * MINUTE },
});

const CATALOG = [
  ['TEE-CLASSIC-M', 'Classic tee (M)', 1900, 180],
  ['TEE-CLASSIC-L', 'Classic tee (L)', 1900, 200],
  ['HOODIE-ZIP-M', 'Zip hoodie (M)', 5900, 650],
  ['HOODIE-ZIP-L', 'Zip hoodie (L)', 5900, 700],
  ['CAP-WOOL', 'Wool cap', 2400, 120],
  ['SOCKS-3PK', 'Socks, 3 pack', 1200, 150],
  ['MUG-STONE', 'Stoneware mug', 1800, 420],
  ['BOTTLE-STEEL', 'Steel bottle', 2900, 380],
  ['TOTE-CANVAS', 'Canvas tote', 2200, 300],
  ['NOTEBOOK-A5', 'A5 notebook', 1400, 260],
  ['PEN-BRASS', 'Brass pen', 3900, 60],
  ['CANDLE-CEDAR', 'Cedar candle', 2600, 520],
  ['LAMP-ARC', 'Arc desk lamp', 8900, 1900],
  ['POSTER-MAP', 'Map poster', 2900, 240],
  ['PUZZLE-1000', '1000-piece puzzle', 3200, 800],
  ['BLANKET-WOOL', 'Wool blanket', 11900, 1600],
  ['SCARF-KNIT', 'Knit scarf', 3400, 220],
  ['GLOVES-LEATHER', 'Leather gloves', 4900, 200],
  ['UMBRELLA-COMPACT', 'Compact umbrella', 2700, 350],
  ['PLANTER-CLAY', 'Clay planter', 2100, 900],
] as const;

const CUSTOMERS = [
  ['Boston', 'MA', '02108', 42.3601, -71.0589],
  ['Philadelphia', 'PA', '19103', 39.9526, -75.1652],
  ['Atlanta', 'GA', '30303', 33.749, -84.388],
  ['Chicago', 'IL', '60601', 41.8781, -87.6298],
  ['Denver', 'CO', '80202', 39.7392, -104.9903],
  ['Seattle', 'WA', '98101', 47.6062, -122.3321],
  ['Portland', 'OR', '97205', 45.5152, -122.6784],
  ['San Diego', 'CA', '92101', 32.7157, -117.1611],
  ['Austin', 'TX', '78701', 30.2672, -97.7431],
  ['Miami', 'FL', '33131', 25.7617, -80.1918],
] as const;

function orderInput(n: number, method = 'tok_visa'): OrderInput {
  const [city, region, postalCode, lat, lng] = pick(CUSTOMERS);
  const skus = new Set<(typeof CATALOG)[number]>();
  const lines = between(1, 3);
  while (skus.size < lines) skus.add(pick(CATALOG));
  return {
    reference: `#${(1000 + n).toString()}`,
    customer: { email: `customer${n}@example.com`, name: `Customer ${n}` },
    shippingAddress: { name: `Customer ${n}`, line1: `${between(1, 999)} Main St`, city, region, postalCode, country: 'US' },
    shippingCoordinates: { lat, lng },
    currency: 'USD',
    lines: [...skus].map(([sku, name, price, grams]) => ({
      sku,
      name,
      quantity: between(1, 2),
      unitPrice: { amount: price, currency: 'USD' },
      weight: { value: grams, unit: 'g' as const },
      dimensions: { length: 25, width: 20, height: sku === 'LAMP-ARC' ? 45 : 6, unit: 'cm' as const },
      fragile: sku === 'MUG-STONE' || sku === 'LAMP-ARC',
    })),
    shipping: random() < 0.4 ? { speed: 'economy', price: { amount: 0, currency: 'USD' } } : { speed: 'standard', price: { amount: 599, currency: 'USD' } },
    payment: { method },
  };
}

// ---- the day -------------------------------------------------------------------

const story: string[] = [];
const progress = progressBar(ORDER_COUNT);

async function receiveOpeningStock(): Promise<void> {
  let aisle = 0;
  for (const [sku] of CATALOG) {
    aisle++;
    const bin = `${String.fromCharCode(65 + Math.floor(aisle / 5))}-${String(aisle % 5 + 1).padStart(2, '0')}-1`;
    // The arc lamp is scarce: it sells out and goes on backorder.
    const scarce = sku === 'LAMP-ARC';
    await ff.inventory.receive({ sku, locationId: 'newark', quantity: scarce ? 4 : between(30, 60), bin });
    await ff.inventory.receive({ sku, locationId: 'reno', quantity: scarce ? 1 : between(25, 50), bin });
    await ff.inventory.configure({ sku, locationId: 'newark', reorderPoint: 5 });
  }
}

async function runWave(): Promise<void> {
  for (const locationId of ['newark', 'reno']) {
    const list = await ff.fulfillment.pickList({ locationId, limit: 200 });
    // The picker walks the list once; each row says which shipment gets how many.
    const picked = new Map<string, Map<string, number>>();
    for (const row of list.rows) {
      for (const s of row.shipments) {
        const lines = picked.get(s.shipmentId) ?? new Map<string, number>();
        lines.set(row.sku, (lines.get(row.sku) ?? 0) + s.quantity);
        picked.set(s.shipmentId, lines);
      }
    }
    for (const [shipmentId, lines] of picked) {
      await ff.fulfillment.confirmPick(shipmentId, { lines: [...lines].map(([sku, quantity]) => ({ sku, quantity })) });
      await ff.fulfillment.pack(shipmentId);
      await ff.fulfillment.ship(shipmentId);
      clock.advance(2 * MINUTE);
    }
  }
}

async function main(): Promise<void> {
  await receiveOpeningStock();
  const declined: string[] = [];
  const placed: string[] = [];

  for (let n = 1; n <= ORDER_COUNT; n++) {
    clock.advance(between(1, 4) * MINUTE);
    const method = n % 89 === 0 ? 'tok_decline' : 'tok_visa';
    const order = await ff.orders.place(orderInput(n, method), { idempotencyKey: `checkout-${n}` });
    placed.push(order.id);
    if (order.status === 'payment_failed') declined.push(order.id);
    if (order.shipments.length > 1 && !story.some((s) => s.startsWith('Split'))) {
      story.push(`Split shipment: order ${order.reference} ships from ${order.shipments.map((s) => s.locationId).join(' and ')}`);
    }
    if (order.status === 'backordered' && !story.some((s) => s.startsWith('Backorder'))) {
      story.push(`Backorder: order ${order.reference} waits for ${order.lines.filter((l) => l.backordered > 0).map((l) => l.sku).join(', ')}`);
    }
    if (n === 40) {
      await ff.orders.cancel(order.id, { reason: 'customer changed their mind' });
      story.push(`Cancellation: order ${order.reference} cancelled before picking; its stock went back on the shelf`);
    }
    // A declined card, retried a few minutes later with another one.
    const retry = n === 91 ? declined[0] : undefined;
    if (retry) {
      const paid = await ff.orders.retryPayment(retry, { method: 'tok_mastercard' });
      story.push(`Declined payment: order ${paid.reference} was declined, retried with another card, now ${paid.status}`);
    }
    if (n % 60 === 0) await runWave();
    if (n === Math.floor(ORDER_COUNT * 0.6)) {
      const level = await ff.inventory.receive({ sku: 'LAMP-ARC', locationId: 'newark', quantity: 25, bin: 'D-01-1' });
      story.push(`Restock: 25 arc lamps arrived at Newark; backorders were served first come, first served (${level.reserved} now reserved)`);
    }
    progress(n);
  }

  if (declined.length > 1) story.push(`Abandoned payments: ${declined.length - 1} declined orders were never retried; their holds expired and they were cancelled`);
  await runWave();
  await runWave();

  // Five days of carrier scans: webhooks from SwiftShip, scans GroundLine's drivers record.
  for (let day = 0; day < 6; day++) {
    clock.advance(DAY);
    for (const hook of await swift.webhooksSince()) await ff.tracking.handleWebhook('swiftship', hook);
    await scanGroundParcels(day);
    await ff.tracking.poll();
  }

  const failedAttempt = (await ff.orders.list({ status: 'delivered', limit: 500 })).items.find((o) => o.shipments.some((s) => s.failedAttempts > 0));
  if (failedAttempt) story.push(`Failed delivery: a parcel of order ${failedAttempt.reference} missed the customer once, then was delivered`);

  const delivered = (await ff.orders.list({ status: 'delivered', limit: 5 })).items[0];
  if (delivered) {
    const line = delivered.lines[0]!;
    const rma = await ff.returns.request(delivered.id, { lines: [{ sku: line.sku, quantity: 1 }], reason: 'wrong size' });
    const received = await ff.returns.receive(rma.id, { lines: [{ sku: line.sku, quantity: 1 }] });
    story.push(`Return: order ${delivered.reference} sent back 1 × ${line.sku}; restocked and refunded ${received.refund ? formatMoney(received.refund) : 'nothing'}`);
  }

  const dispatched = await ff.outbox.dispatch();
  await printSummary(placed.length, dispatched.delivered);
}

async function scanGroundParcels(day: number): Promise<void> {
  const statuses = ['picked_up', 'in_transit', 'out_for_delivery', 'delivered'] as const;
  const status = statuses[Math.min(day, statuses.length - 1)]!;
  let cursor: string | null = null;
  for (const orderStatus of ['shipped', 'partially_shipped', 'partially_delivered'] as const) {
    do {
      const page = await ff.orders.list({ status: orderStatus, limit: 200, cursor });
      cursor = page.nextCursor;
      for (const order of page.items) {
        for (const s of order.shipments) {
          if (s.rate?.carrierId !== 'groundline' || !s.label) continue;
          ground.recordScan({ trackingNumber: s.label.trackingNumber, status, occurredAt: clock.now().toISOString() });
        }
      }
    } while (cursor);
  }
}

// ---- output --------------------------------------------------------------------

async function printSummary(orderCount: number, notifications: number): Promise<void> {
  const byStatus = new Map<string, number>();
  const byCarrier = new Map<string, { shipments: number; postage: number }>();
  for (const status of ['pending_payment', 'payment_failed', 'backordered', 'on_hold', 'processing', 'partially_shipped', 'shipped', 'partially_delivered', 'delivered', 'partially_returned', 'returned', 'cancelled'] as const) {
    let cursor: string | null = null;
    do {
      const page = await ff.orders.list({ status, limit: 500, cursor });
      cursor = page.nextCursor;
      byStatus.set(status, (byStatus.get(status) ?? 0) + page.items.length);
      for (const order of page.items) {
        for (const s of order.shipments) {
          if (!s.rate || !s.label) continue;
          const c = byCarrier.get(s.rate.carrierId) ?? { shipments: 0, postage: 0 };
          c.shipments++;
          c.postage += s.label.cost.amount;
          byCarrier.set(s.rate.carrierId, c);
        }
      }
    } while (cursor);
  }
  const out: string[] = ['', `fulfillkit quickstart — seed ${SEED}, ${orderCount} orders, ${clock.now().toISOString().slice(0, 10)}`, ''];
  out.push('What happened', ...story.map((s) => `  • ${s}`), '');
  out.push(table(['order status', 'orders'], [...byStatus].filter(([, n]) => n > 0).map(([s, n]) => [s, String(n)])), '');
  const postage = [...byCarrier].reduce((n, [, c]) => n + c.postage, 0);
  out.push(
    table(
      ['carrier', 'shipments', 'postage'],
      [...[...byCarrier].map(([id, c]) => [id, String(c.shipments), formatMoney({ amount: c.postage, currency: 'USD' })]), ['total', String([...byCarrier].reduce((n, [, c]) => n + c.shipments, 0)), formatMoney({ amount: postage, currency: 'USD' })]],
    ),
    '',
  );
  const stock = [];
  for (const [sku] of CATALOG) {
    const level = await ff.inventory.level(sku);
    const at = (id: string) => level.locations.find((l) => l.locationId === id)?.onHand ?? 0;
    stock.push([sku, String(at('newark')), String(at('reno')), String(level.reserved), String(level.available)]);
  }
  out.push(table(['sku', 'newark', 'reno', 'reserved', 'available'], stock), '');
  const drift = await ff.inventory.reconcile();
  out.push(`Notifications sent: ${notifications}   Ledger discrepancies: ${drift.length}`);
  console.log(out.join('\n'));
  if (drift.length > 0) process.exitCode = 1;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function progressBar(total: number): (done: number) => void {
  const tty = process.stderr.isTTY;
  let lastDecile = -1;
  return (done) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    if (tty) {
      process.stderr.write(`\r  placing orders [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor((done / total) * 10);
    if (decile !== lastDecile) {
      lastDecile = decile;
      process.stderr.write(`  placing orders [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}\n`);
    }
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
