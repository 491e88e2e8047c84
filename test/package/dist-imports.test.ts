// The package as a shop installs it (package.json plus the built JavaScript, in
// a node_modules of its own with only the runtime dependencies, no vitest)
// loads from plain ESM, plain CommonJS, CommonJS where Node cannot require ESM,
// and tsx's `.cts` loader, and does real work in each.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJavaScript } from '../helpers/package-build.js';

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
  let kit = null;
  try { testing.describeStorageConformance('memory', () => memory.memoryStorage()); kit = 'registered without a runner'; } catch (e) { kit = /needs a test runner|none was found/.test(e.message) ? 'asks for a runner' : e.message; }
  const level = await ff.inventory.level('SKU-1');
  // No storage given: the memory store the engine loads on first use.
  const plain = core.createFulfillment({ locations: [{ id: 'dc', name: 'DC', address: { name: 'DC', line1: '1 A St', city: 'Austin', postalCode: '73301', country: 'US' } }] });
  await plain.inventory.receive({ sku: 'SKU-2', locationId: 'dc', quantity: 4 });
  const defaultStore = { ...(await plain.inventory.level('SKU-2')), locations: undefined, durable: plain.storageCapabilities.durable };
  await plain.close();
  console.log(JSON.stringify({ status: order.status, reserved: level.reserved, code, kit, id: order.id.length > 10, defaultStore,
    postgres: typeof postgres.postgresStorage, machine: typeof core.orderMachine.transition, diagram: diagrams.toMermaid(core.returnMachine).startsWith('stateDiagram') }));
})();
`;

// The HTTP handler serves an order; the relays build envelopes; the instrumentation runs a command.
const optional = (load: string) => `
${load}
const ff = core.createFulfillment({ storage: memory.memoryStorage() });
(async () => {
  const handler = http.createHttpHandler(ff, { token: 'dist-token-0123456789' });
  const res = await handler(new Request('http://shop.test/health'));
  const traced = await otel.otelInstrumentation().command('orders.get', {}, async () => 'ran');
  console.log(JSON.stringify({ health: res.status,
    relays: [typeof nats.natsRelay, typeof amqp.amqpRelay, nats.toCloudEvent({ id: 'e', type: 'order.placed', orderId: 'o', at: 't', data: {} }, 's').subject], traced }));
})();
`;

const requires = `const core = require('fulfillkit'); const memory = require('fulfillkit/memory');
const adapters = require('fulfillkit/adapters'); const testing = require('fulfillkit/testing'); const postgres = require('fulfillkit/postgres');
const diagrams = require('fulfillkit/diagrams');`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fulfillkit-dist-'));
  const pkg = join(dir, 'node_modules', 'fulfillkit');
  mkdirSync(pkg, { recursive: true });
  copyFileSync(join(root, 'package.json'), join(pkg, 'package.json'));
  await buildJavaScript(join(pkg, 'dist'));
  for (const dependency of ['xstate', 'zod', 'nanoid']) {
    symlinkSync(join(root, 'node_modules', dependency), join(dir, 'node_modules', dependency), 'dir');
  }
  writeFileSync(
    join(dir, 'esm.mjs'),
    scenario(`import * as core from 'fulfillkit'; import * as memory from 'fulfillkit/memory';
import * as adapters from 'fulfillkit/adapters'; import * as testing from 'fulfillkit/testing'; import * as postgres from 'fulfillkit/postgres';
import * as diagrams from 'fulfillkit/diagrams';`),
  );
  writeFileSync(join(dir, 'cjs.cjs'), scenario(requires));
  // A second install, as in a shop that tests its own adapter with vitest.
  const host = join(dir, 'host');
  mkdirSync(join(host, 'node_modules'), { recursive: true });
  cpSync(pkg, join(host, 'node_modules', 'fulfillkit'), { recursive: true });
  for (const dependency of ['xstate', 'zod', 'nanoid', 'vitest']) {
    symlinkSync(join(root, 'node_modules', dependency), join(host, 'node_modules', dependency), 'dir');
  }
  writeFileSync(join(host, 'package.json'), '{ "type": "module" }');
  writeFileSync(
    join(host, 'kit.test.js'),
    `import { memoryNotifier } from 'fulfillkit/adapters';
import { describeNotifierConformance, fakeClock } from 'fulfillkit/testing';
import { expect, it } from 'vitest';
describeNotifierConformance('memory notifier', () => memoryNotifier());
it('fake clock', () => expect(fakeClock().iso()).toBe('2025-01-01T00:00:00.000Z'));
`,
  );
  writeFileSync(join(dir, 'cjs.cts'), scenario(`// @ts-nocheck\n${requires}`));
  // The optional subpaths, with their peers installed as a shop that uses them would.
  const peers = join(dir, 'peers');
  mkdirSync(join(peers, 'node_modules'), { recursive: true });
  cpSync(pkg, join(peers, 'node_modules', 'fulfillkit'), { recursive: true });
  for (const dependency of ['xstate', 'zod', 'nanoid', '@nats-io', 'amqplib', '@opentelemetry']) {
    symlinkSync(join(root, 'node_modules', dependency), join(peers, 'node_modules', dependency), 'dir');
  }
  writeFileSync(join(peers, 'optional.mjs'), optional(`import * as core from 'fulfillkit'; import * as memory from 'fulfillkit/memory';
import * as http from 'fulfillkit/http'; import * as nats from 'fulfillkit/nats'; import * as amqp from 'fulfillkit/amqp'; import * as otel from 'fulfillkit/otel';`));
  writeFileSync(join(peers, 'optional.cjs'), optional(`const core = require('fulfillkit'); const memory = require('fulfillkit/memory');
const http = require('fulfillkit/http'); const nats = require('fulfillkit/nats'); const amqp = require('fulfillkit/amqp'); const otel = require('fulfillkit/otel');`));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const expected = {
  status: 'processing',
  reserved: 2,
  code: 'VALIDATION_FAILED',
  kit: 'asks for a runner',
  id: true,
  defaultStore: { sku: 'SKU-2', onHand: 4, reserved: 0, available: 4, durable: false },
  postgres: 'function',
  machine: 'function',
  diagram: true,
};

const run = (args: string[], command = process.execPath) => JSON.parse(execFileSync(command, args, { cwd: dir, encoding: 'utf8' }).trim());

describe('built package, installed without vitest', () => {
  it('works from a plain ESM script', () => {
    expect(run(['esm.mjs'])).toEqual(expected);
  });

  it('works from a plain CommonJS script', () => {
    expect(run(['cjs.cjs'])).toEqual(expected);
  });

  it('works from CommonJS where Node cannot require ES modules (--no-experimental-require-module)', () => {
    expect(run(['--no-experimental-require-module', 'cjs.cjs'])).toEqual(expected);
  });

  it("works from a .cts file under tsx's CommonJS loader", () => {
    expect(run(['cjs.cts'], join(root, 'node_modules', '.bin', 'tsx'))).toEqual(expected);
  });
});

describe('the default memory store', () => {
  const dist = () => join(dir, 'node_modules', 'fulfillkit', 'dist');
  // Every file the ESM entry loads before any call: itself and its static imports, transitively.
  const staticClosure = (file: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(file)) return seen;
    seen.add(file);
    for (const [, next] of readFileSync(join(dist(), file), 'utf8').matchAll(/(?:^|;|\n)\s*(?:import|export)\b[^'"()]*?['"]\.\/([^'"]+)['"]/g)) {
      staticClosure(next as string, seen);
    }
    return seen;
  };

  it('is not loaded by `import "fulfillkit"` in the ESM build, only by its first use', () => {
    const loaded = [...staticClosure('index.js')];
    expect(loaded.length).toBeGreaterThan(1);
    const memoryCode = (file: string) => readFileSync(join(dist(), file), 'utf8').includes('This memory storage has been closed');
    expect(loaded.filter(memoryCode)).toEqual([]);
    const lazy = [...readFileSync(join(dist(), 'index.js'), 'utf8').matchAll(/import\(['"]\.\/([^'"]+)['"]\)/g)].map((m) => m[1] as string);
    expect(lazy.some((file) => [...staticClosure(file)].some(memoryCode))).toBe(true);
  });

  it('is required, not import()ed, by the CommonJS build', () => {
    expect(readFileSync(join(dist(), 'index.cjs'), 'utf8')).not.toMatch(/import\(['"]\./);
  });
});

describe('optional subpaths (http, nats, amqp, otel) with their peers installed', () => {
  for (const file of ['optional.mjs', 'optional.cjs']) {
    it(`load and work from ${file.endsWith('mjs') ? 'ESM' : 'CommonJS'}`, () => {
      const out = execFileSync(process.execPath, [file], { cwd: join(dir, 'peers'), encoding: 'utf8' });
      expect(JSON.parse(out.trim())).toEqual({ health: 200, relays: ['function', 'function', 'o'], traced: 'ran' });
    });
  }
});

it('registers its conformance kits with vitest when the shop has vitest', () => {
  const host = join(dir, 'host');
  // A fresh vitest, not a worker of this one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'NODE_OPTIONS'));
  const out = execFileSync(join(root, 'node_modules', '.bin', 'vitest'), ['run', '--root', host, '--reporter', 'json'], { cwd: host, encoding: 'utf8', env });
  const report = JSON.parse(out.slice(out.indexOf('{'))) as { numFailedTests: number; numPassedTests: number; success: boolean };
  expect(report.success).toBe(true);
  expect(report.numFailedTests).toBe(0);
  expect(report.numPassedTests).toBeGreaterThanOrEqual(3);
}, 120_000);
