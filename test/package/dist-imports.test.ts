// The built package (dist/, through the exports map) loads from plain ESM and
// plain CommonJS scripts and does real work in both.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
let dir: string;

const scenario = (load: string) => `
${load}
const clock = testing.fakeClock('2026-01-01T00:00:00.000Z');
const ff = core.createFulfillment({
  storage: memory.memoryStorage(),
  clock,
  locations: [{ id: 'dc', name: 'DC', address: { name: 'DC', line1: '1 A St', city: 'Austin', postalCode: '73301', country: 'US' } }],
  carriers: [adapters.sandboxCarrier({ clock })],
  payments: adapters.sandboxPayment({ clock }),
});
(async () => {
  await ff.inventory.receive({ sku: 'SKU-1', locationId: 'dc', quantity: 3 });
  const order = await ff.orders.place({
    customer: { email: 'a@example.com' },
    shippingAddress: { name: 'A', line1: '2 B St', city: 'Boston', postalCode: '02108', country: 'US' },
    currency: 'USD',
    lines: [{ sku: 'SKU-1', quantity: 2, unitPrice: { amount: 500, currency: 'USD' } }],
    payment: { method: 'tok_visa' },
  });
  let code = null;
  try { await ff.orders.place({}); } catch (e) { code = e instanceof core.FulfillmentError ? e.code : 'wrong class'; }
  const level = await ff.inventory.level('SKU-1');
  const handler = http.createHttpHandler(ff, { token: 'dist-token-0123456789' });
  const res = await handler(new Request('http://shop.test/orders/' + order.id, { headers: { authorization: 'Bearer dist-token-0123456789' } }));
  const served = (await res.json()).status;
  const traced = await otel.otelInstrumentation().command('orders.get', {}, async () => 'ran');
  console.log(JSON.stringify({ status: order.status, reserved: level.reserved, code, served,
    postgres: typeof postgres.postgresStorage, kit: typeof testing.describeStorageConformance, machine: typeof core.orderMachine.transition, diagram: diagrams.toMermaid(core.returnMachine).startsWith('stateDiagram'),
    relays: [typeof nats.natsRelay, typeof amqp.amqpRelay, nats.toCloudEvent({ id: 'e', type: 'order.placed', orderId: 'o', at: 't', data: {} }, 's').subject], traced }));
})();
`;

// Build when dist/ is missing or older than the source it was built from.
function distIsStale(): boolean {
  const built = join(root, 'dist/testing.cjs');
  if (!existsSync(join(root, 'dist/index.js')) || !existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
      const path = join(dir, e.name);
      return Math.max(t, e.isDirectory() ? newest(path) : statSync(path).mtimeMs);
    }, 0);
  return newest(join(root, 'src')) > builtAt;
}

beforeAll(() => {
  if (distIsStale()) {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  }
  dir = mkdtempSync(join(tmpdir(), 'fulfillkit-dist-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'fulfillkit'), 'dir');
  writeFileSync(
    join(dir, 'esm.mjs'),
    scenario(`import * as core from 'fulfillkit'; import * as memory from 'fulfillkit/memory';
import * as adapters from 'fulfillkit/adapters'; import * as testing from 'fulfillkit/testing'; import * as postgres from 'fulfillkit/postgres';
import * as diagrams from 'fulfillkit/diagrams'; import * as http from 'fulfillkit/http'; import * as nats from 'fulfillkit/nats'; import * as amqp from 'fulfillkit/amqp';
import * as otel from 'fulfillkit/otel';`),
  );
  writeFileSync(
    join(dir, 'cjs.cjs'),
    scenario(`const core = require('fulfillkit'); const memory = require('fulfillkit/memory');
const adapters = require('fulfillkit/adapters'); const testing = require('fulfillkit/testing'); const postgres = require('fulfillkit/postgres');
const diagrams = require('fulfillkit/diagrams'); const http = require('fulfillkit/http'); const nats = require('fulfillkit/nats'); const amqp = require('fulfillkit/amqp');
const otel = require('fulfillkit/otel');`),
  );
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('built package', () => {
  for (const file of ['esm.mjs', 'cjs.cjs']) {
    it(`works from a plain ${file.startsWith('esm') ? 'ESM' : 'CommonJS'} script`, () => {
      const out = execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' });
      expect(JSON.parse(out.trim())).toEqual({
        status: 'processing',
        reserved: 2,
        code: 'VALIDATION_FAILED',
        served: 'processing',
        postgres: 'function',
        kit: 'function',
        machine: 'function',
        diagram: true,
        relays: ['function', 'function', 'o'],
        traced: 'ran',
      });
    });
  }
});
