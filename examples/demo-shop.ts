// `npm run demo`: a demo shop on the in-memory default with a few days of
// orders behind it (picked, packed, shipped, delivered, held, backordered,
// declined) and the warehouse console on http://127.0.0.1:3000/console.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { type Clock, type Fulfillment, type OrderInput, createFulfillment } from 'fulfillkit';
import { type SandboxCarrier, memoryNotifier, sandboxCarrier, sandboxPayment } from 'fulfillkit/adapters';
import { createHttpHandler, toNodeListener } from 'fulfillkit/http';
import { memoryStorage } from 'fulfillkit/memory';

const DAY = 86_400_000;

/** Real time shifted into the past while the demo's history is written, then caught up. */
function rewindableClock(startDaysAgo: number): Clock & { advance(ms: number): void; catchUp(): void } {
  let offset = -startDaysAgo * DAY;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms) {
      offset = Math.min(0, offset + ms);
    },
    catchUp() {
      offset = 0;
    },
  };
}

const CATALOG = [
  ['TEE-CLASSIC-M', 'Classic tee (M)', 1900, 180, 'A-01-1'],
  ['TEE-CLASSIC-L', 'Classic tee (L)', 1900, 200, 'A-01-2'],
  ['HOODIE-ZIP-M', 'Zip hoodie (M)', 5900, 650, 'A-02-1'],
  ['CAP-WOOL', 'Wool cap', 2400, 120, 'A-03-1'],
  ['SOCKS-3PK', 'Socks, 3 pack', 1200, 150, 'B-01-1'],
  ['MUG-STONE', 'Stoneware mug', 1800, 420, 'B-02-3'],
  ['BOTTLE-STEEL', 'Steel bottle', 2900, 380, 'B-03-1'],
  ['TOTE-CANVAS', 'Canvas tote', 2200, 300, 'C-01-2'],
  ['NOTEBOOK-A5', 'A5 notebook', 1400, 260, 'C-02-1'],
  ['LAMP-ARC', 'Arc desk lamp', 8900, 1900, 'D-01-1'],
] as const;

const CITIES = [
  ['Boston', 'MA', '02108'],
  ['Chicago', 'IL', '60601'],
  ['Denver', 'CO', '80202'],
  ['Seattle', 'WA', '98101'],
  ['Austin', 'TX', '78701'],
  ['Miami', 'FL', '33131'],
] as const;

const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Katherine Johnson', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth', 'Margaret Hamilton'];

/** The n-th demo order: deterministic, one to three lines. */
export function demoOrder(n: number, method = 'tok_visa'): OrderInput {
  const [city, region, postalCode] = CITIES[n % CITIES.length] as (typeof CITIES)[number];
  const name = NAMES[n % NAMES.length] as string;
  const picks = [CATALOG[n % CATALOG.length], CATALOG[(n * 3 + 1) % CATALOG.length]].slice(0, 1 + (n % 2));
  return {
    reference: `#${1000 + n}`,
    customer: { email: `customer${n}@example.com`, name },
    shippingAddress: { name, line1: `${100 + n} Main St`, city, region, postalCode, country: 'US' },
    currency: 'USD',
    lines: [...new Set(picks)].map((item) => {
      const [sku, title, price, grams] = item as (typeof CATALOG)[number];
      return {
        sku,
        name: title,
        quantity: 1 + (n % 3 === 0 ? 1 : 0),
        unitPrice: { amount: price, currency: 'USD' },
        weight: { value: grams, unit: 'g' as const },
        dimensions: { length: 25, width: 20, height: sku === 'LAMP-ARC' ? 45 : 6, unit: 'cm' as const },
        fragile: sku === 'MUG-STONE' || sku === 'LAMP-ARC',
      };
    }),
    shipping: { speed: 'standard', price: { amount: 599, currency: 'USD' } },
    payment: { method },
    ...(n % 7 === 0 ? { giftMessage: 'Happy birthday!' } : {}),
  };
}

async function shipEverything(ff: Fulfillment): Promise<void> {
  for (const locationId of ['newark', 'reno']) {
    const wave = await ff.fulfillment.pickList({ locationId });
    for (const shipmentId of wave.shipmentIds) {
      const lines = new Map<string, number>();
      for (const row of wave.rows) for (const s of row.shipments) if (s.shipmentId === shipmentId) lines.set(row.sku, (lines.get(row.sku) ?? 0) + s.quantity);
      await ff.fulfillment.confirmPick(shipmentId, { lines: [...lines].map(([sku, quantity]) => ({ sku, quantity })) });
      await ff.fulfillment.pack(shipmentId);
      await ff.fulfillment.ship(shipmentId);
    }
  }
}

/** A stocked demo shop with history: some orders delivered, some on the road, some waiting to be picked. */
export async function createDemoShop(): Promise<{ ff: Fulfillment; carrier: SandboxCarrier; clock: ReturnType<typeof rewindableClock> }> {
  const clock = rewindableClock(8);
  const carrier = sandboxCarrier({ id: 'swiftship', name: 'SwiftShip', clock });
  const ff = createFulfillment({
    storage: memoryStorage(),
    clock,
    locations: [
      { id: 'newark', name: 'Newark DC', address: { name: 'Newark DC', line1: '1 Dock Rd', city: 'Newark', region: 'NJ', postalCode: '07102', country: 'US' }, priority: 1 },
      { id: 'reno', name: 'Reno DC', address: { name: 'Reno DC', line1: '400 Sierra Pkwy', city: 'Reno', region: 'NV', postalCode: '89502', country: 'US' }, priority: 2 },
    ],
    carriers: [carrier],
    payments: sandboxPayment({ clock }),
    notifier: memoryNotifier(),
    policy: { backorders: true, reservationTtlMs: 7 * DAY },
  });
  for (const [sku, , , , bin] of CATALOG) {
    const scarce = sku === 'LAMP-ARC';
    await ff.inventory.receive({ sku, locationId: 'newark', quantity: scarce ? 2 : 40, bin });
    await ff.inventory.receive({ sku, locationId: 'reno', quantity: scarce ? 0 + 1 : 25, bin });
    await ff.inventory.configure({ sku, locationId: 'newark', reorderPoint: scarce ? 2 : 8 });
  }
  // A week ago: orders delivered since. Two days ago: shipped, on the road. Today: waiting on the floor.
  let n = 0;
  for (const [daysLater, ship] of [[5, true], [2, true], [0, false]] as const) {
    for (let i = 0; i < 8; i++) {
      n++;
      clock.advance(20 * 60_000);
      await ff.orders.place(demoOrder(n, n === 11 ? 'tok_decline' : 'tok_visa'), { idempotencyKey: `demo-${n}` });
    }
    if (ship) await shipEverything(ff);
    clock.advance(daysLater * DAY);
    for (const hook of await carrier.webhooksSince()) await ff.tracking.handleWebhook('swiftship', hook);
  }
  const held = (await ff.orders.list({ status: 'processing', limit: 1 })).items[0];
  if (held) await ff.orders.hold(held.id, { reason: 'Address check requested by the customer' });
  clock.catchUp();
  return { ff, carrier, clock };
}

async function main(): Promise<void> {
  const { ff } = await createDemoShop();
  const token = process.env.FULFILLKIT_TOKEN ?? `demo-${crypto.randomUUID()}`;
  const handler = createHttpHandler(ff, { token, console: { locations: [{ id: 'newark', name: 'Newark DC' }, { id: 'reno', name: 'Reno DC' }] } });
  const port = Number(process.env.PORT ?? 3000);
  const server = createServer(toNodeListener(handler));
  server.listen(port, '127.0.0.1', () => {
    console.log(`fulfillkit demo shop: console on http://127.0.0.1:${port}/console`);
    console.log(`admin token: ${token}`);
    console.log(`API: curl -H "Authorization: Bearer ${token}" http://127.0.0.1:${port}/orders`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
