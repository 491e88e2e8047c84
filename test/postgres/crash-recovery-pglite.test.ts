// The crash test on an embedded, durable PGlite store: the process holding
// the data directory is killed mid-placement; reopening the directory and
// sweeping releases the stock and voids the money of orders never stored.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, expect, it } from 'vitest';
import { postgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { createFulfillment } from '../../src/index.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { sharedPayments } from './fixtures/shared-payments.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fulfillkit-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('PGlite: the sweep after a kill releases held stock and voids orphaned authorizations', async () => {
  const fixture = fileURLToPath(new URL('./fixtures/place-and-die-pglite.ts', import.meta.url));
  const proc = spawn(process.execPath, ['--import', 'tsx', fixture, dir, '4'], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  for (let i = 0; i < 1200 && !out.includes('\n'); i++) await new Promise((r) => setTimeout(r, 50));
  proc.kill('SIGKILL');
  await exited;
  const placed = (JSON.parse(out.split('\n')[0] || '{"placed":[]}') as { placed: string[] }).placed;
  expect(placed, err.slice(0, 500)).toHaveLength(4);

  const db = await PGlite.create(dir);
  try {
    const storage = postgresStorage({ client: db, schema: 'shop' });
    const orphaned = async () =>
      (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM shop.test_payments WHERE status = 'authorized' AND order_id NOT IN (SELECT id FROM shop.orders)`,
        )
      ).rows[0]?.n;
    expect(await orphaned()).toBe(2);
    const ff = createFulfillment({
      storage,
      clock: fakeClock('2031-01-01T01:00:00.000Z'),
      locations: [{ id: 'dc1', name: 'Main DC', address: { name: 'Main DC', line1: '1 Dock Rd', city: 'Newark', postalCode: '07102', country: 'US' } }],
      payments: sharedPayments(db, 'shop'),
    });
    expect(await ff.sweep()).toMatchObject({ expired: 2, voided: 2 });
    expect(await orphaned()).toBe(0);
    expect(await ff.inventory.level('CRASH-SKU')).toMatchObject({ onHand: 50, reserved: 4, available: 46 });
    for (const id of placed) expect((await ff.orders.get(id))?.status).toBe('processing');
    expect(await ff.inventory.reconcile()).toEqual([]);
  } finally {
    await db.close();
  }
}, 120_000);
