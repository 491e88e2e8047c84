// Restart: orders placed by one instance, its storage closed, and a new
// createFulfillment on the same database carries them to delivery. Runs on
// PostgreSQL (when available: straight to the server, and through PgBouncer in
// transaction mode at PGBOUNCER_URL) and on a PGlite database kept on disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxCarrier } from '../../src/carriers/sandbox/sandbox-carrier.js';
import { sandboxPayment } from '../../src/payments/sandbox/sandbox-payment.js';
import { postgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import type { PostgresClient } from '../../src/storage/postgres/postgres-client.js';
import { createFulfillment } from '../../src/index.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { openPostgres, postgresTargets } from '../helpers/database.js';
import { EAST, orderFor } from '../helpers/shop.js';

/** Connect a fresh client to the same database, and close it. */
interface Connector {
  open(): Promise<PostgresClient>;
  close(client: PostgresClient): Promise<void>;
}

async function restartScenario(connector: Connector, schema: string): Promise<void> {
  // The carrier and the payment provider are outside the shop: they survive its restart.
  const clock = fakeClock('2031-02-01T09:00:00.000Z');
  const carrier = sandboxCarrier({ clock });
  const payments = sandboxPayment({ clock });
  const shop = (client: PostgresClient) =>
    createFulfillment({ storage: postgresStorage({ client, schema }), clock, locations: [EAST], carriers: [carrier], payments });

  const first = await connector.open();
  const before = shop(first);
  await before.inventory.receive({ sku: 'TEE-M', locationId: 'east', quantity: 10, bin: 'A-01-1' });
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await before.orders.place(orderFor({ 'TEE-M': 2 }))).id);
  await before.close();
  await connector.close(first);

  const second = await connector.open();
  const after = shop(second);
  for (const id of ids) expect((await after.orders.get(id))?.status).toBe('processing');
  const list = await after.fulfillment.pickList({ locationId: 'east' });
  expect(list.shipmentIds).toHaveLength(3);
  for (const shipmentId of list.shipmentIds) {
    await after.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'TEE-M', quantity: 2 }] });
    await after.fulfillment.pack(shipmentId);
    await after.fulfillment.ship(shipmentId);
  }
  clock.advance(10 * 86_400_000);
  for (const hook of await carrier.webhooksSince()) await after.tracking.handleWebhook('sandbox', hook);
  for (const id of ids) expect((await after.orders.get(id))?.status).toBe('delivered');
  expect(await after.inventory.level('TEE-M')).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
  expect(await after.inventory.reconcile()).toEqual([]);
  await after.close();
  await connector.close(second);
}

for (const target of postgresTargets()) {
  const { db, problem } = await openPostgres({ target });
  if (problem !== null) {
    it(`${target.name} is reachable`, () => {
      throw new Error(problem);
    });
  }
  describe.skipIf(db === null)(`restart on PostgreSQL (${target.name})`, () => {
    afterAll(async () => {
      await db?.close();
    });
    it('a new instance on the same database carries placed orders to delivery', async () => {
      if (db === null) return;
      await restartScenario(
        {
          open: async () => new pg.Pool({ connectionString: target.url, max: 4 }),
          close: (client) => (client as pg.Pool).end(),
        },
        db.schema(),
      );
    }, 60_000);
  });
}

describe('restart on PGlite kept on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fulfillkit-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('a new instance on the same data directory carries placed orders to delivery', async () => {
    await restartScenario(
      {
        open: async () => PGlite.create(dir),
        close: (client) => (client as PGlite).close(),
      },
      'shop',
    );
  }, 120_000);
});
