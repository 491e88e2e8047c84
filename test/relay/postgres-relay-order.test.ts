// Two engine instances on one PostgreSQL schema relay the events of orders
// both of them write, dispatching at the same time with a flaky relay: every
// event is published, and an order's events in the order they happened.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { sandboxCarrier } from '../../src/carriers/sandbox/sandbox-carrier.js';
import { sandboxPayment } from '../../src/payments/sandbox/sandbox-payment.js';
import type { DomainEvent } from '../../src/domain/events.js';
import { createFulfillment } from '../../src/index.js';
import type { EventRelay } from '../../src/ports/relay.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { openPostgres } from '../helpers/database.js';
import { EAST, orderFor, seededRandom } from '../helpers/shop.js';

const { db, problem } = await openPostgres();
if (problem !== null) {
  it('PostgreSQL is reachable', () => {
    throw new Error(problem);
  });
}
afterAll(() => db?.close());

describe.skipIf(db === null)('relay order on PostgreSQL with two instances', () => {
  it('publishes every event, in order per order and one at a time, while both instances dispatch', async () => {
    const schema = (db as NonNullable<typeof db>).schema();
    const published: DomainEvent[] = [];
    const inFlight = new Map<string, string>();
    const overlaps: string[] = [];
    const random = seededRandom(11);
    // Shared by both instances, as a broker is: records successes, fails a quarter of the calls.
    const relay: EventRelay = {
      id: 'flaky',
      async publish(event) {
        const stream = event.orderId ?? '';
        const other = inFlight.get(stream);
        if (other !== undefined) overlaps.push(`${other} and ${event.id}`);
        inFlight.set(stream, event.id);
        try {
          await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 3)));
          if (random() < 0.15) throw new Error('broker unavailable');
          published.push(event);
        } finally {
          inFlight.delete(stream);
        }
      },
    };
    // Two pools: two processes' worth of connections.
    const url = process.env.DATABASE_URL as string;
    const pools = [new pg.Pool({ connectionString: url, max: 6 }), new pg.Pool({ connectionString: url, max: 6 })];
    // One clock for both instances, moved on between rounds so retries fall due.
    const clock = fakeClock('2031-05-01T09:00:00.000Z');
    // The providers are outside the shop: both instances talk to the same ones.
    const carrier = sandboxCarrier({ clock });
    const payments = sandboxPayment({ clock });
    const [a, b] = pools.map((pool) =>
      createFulfillment({
        storage: postgresStorage({ client: pool, schema }),
        clock,
        locations: [EAST],
        carriers: [carrier],
        payments,
        relay,
        policy: { retry: { timeoutMs: 5_000, retries: 0, baseDelayMs: 1 } },
      }),
    ) as [ReturnType<typeof createFulfillment>, ReturnType<typeof createFulfillment>];
    try {
      await a.inventory.receive({ sku: 'TEE-M', locationId: 'east', quantity: 10_000 });
      const ids: string[] = [];
      await Promise.all(
        [a, b].map(async (ff, n) => {
          for (let i = 0; i < 20; i++) {
            const order = await ff.orders.place(orderFor({ 'TEE-M': 1 }));
            ids.push(order.id);
            // The other instance changes the order too, so one order's events come from both.
            if (i % 3 === 0) await (n === 0 ? b : a).orders.hold(order.id, { reason: 'address check' });
            if (i % 3 === 0) await ff.orders.releaseHold(order.id);
            if (i % 5 === 0) await (n === 0 ? b : a).orders.cancel(order.id, { reason: 'changed mind' });
          }
        }),
      );
      for (let round = 0; round < 200; round++) {
        const results = await Promise.all([a, b, a, b].map((ff) => ff.outbox.dispatch({ batchSize: 7 })));
        const stats = await a.outbox.stats();
        if (stats.pending === 0 && stats.leased === 0) break;
        if (results.every((r) => r.delivered === 0)) clock.advance(31_000);
      }
      expect(await a.outbox.stats()).toMatchObject({ pending: 0, leased: 0, parked: 0 });
      expect(overlaps, 'two publishes of one order were in flight at once').toEqual([]);
      for (const id of ids) {
        const history = await a.orders.history(id);
        const mine = published.filter((e) => e.orderId === id).map((e) => e.id);
        // Repeats (a write published again after a failure midway) aside, exactly the history in order.
        expect(mine.filter((e, i) => mine.indexOf(e) === i)).toEqual(history.map((e) => e.id));
      }
    } finally {
      for (const pool of pools) await pool.end();
    }
  }, 120_000);
});
