// Throws arbitrary JSON and hostile values (Symbols, deep arrays, prototype
// keys, huge numbers, NUL and lone surrogates) at every command, and checks
// that each call succeeds or throws a FulfillmentError with a documented code,
// that a refusal leaves storage byte-identical, and that Object.prototype is
// untouched. Free of vitest so `npm run soak` can run it at 10,000+ cases.
import fc from 'fast-check';
import { inspectMemoryStorage, memoryStorage } from '../../src/storage/memory/memory-storage.js';
import { memoryNotifier } from '../../src/notifiers/memory/memory-notifier.js';
import { postgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { sandboxCarrier } from '../../src/carriers/sandbox/sandbox-carrier.js';
import { sandboxPayment } from '../../src/payments/sandbox/sandbox-payment.js';
import { ERROR_CODES, type FulfillmentErrorCode, isFulfillmentError } from '../../src/domain/errors.js';
import type { Location } from '../../src/domain/location.js';
import { type Fulfillment, createFulfillment } from '../../src/index.js';
import type { StorageAdapter } from '../../src/ports/storage.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { openPglite } from './database.js';

/** Codes a command may answer hostile input with. ADAPTER_ERROR would mean storage refused what validation let through. */
export const DOCUMENTED_REFUSALS: ReadonlySet<FulfillmentErrorCode> = new Set(
  ERROR_CODES.filter((code) => code !== 'ADAPTER_ERROR' && code !== 'CONCURRENCY_CONFLICT'),
);

/** Options of {@link fuzzCommands}. */
export interface CommandFuzzOptions {
  storage: 'memory' | 'pglite';
  runs: number;
  seed?: number;
}

/** What a fuzz run saw. */
export interface CommandFuzzReport {
  runs: number;
  succeeded: number;
  refused: Partial<Record<FulfillmentErrorCode, number>>;
}

const EAST: Location = {
  id: 'east',
  name: 'East DC',
  address: { name: 'East DC', line1: '1 Dock Rd', city: 'Newark', region: 'NJ', postalCode: '07102', country: 'US' },
  priority: 1,
};

function validOrder(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
    shippingAddress: { name: 'Ada Lovelace', line1: '12 Elm St', city: 'Boston', region: 'MA', postalCode: '02108', country: 'US' },
    currency: 'USD',
    lines: [{ sku: 'MUG', quantity: 1, unitPrice: { amount: 1000, currency: 'USD' }, weight: { value: 400, unit: 'g' } }],
    payment: { method: 'tok_visa' },
    notes: 'Leave at the door',
    metadata: { source: 'web' },
    ...extra,
  };
}

function deepArray(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

// ---- values ---------------------------------------------------------------

const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    Symbol('hostile'),
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    1e308,
    2 ** 53,
    Number.MAX_SAFE_INTEGER,
    3e9,
    2_147_483_648,
    -1,
    0,
    1.5,
    '',
    ' ',
    '\u0000',
    'Ada\u0000',
    '\uD800',
    'a\uDC00b',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    '9999-12-31T23:59:59.000Z',
    'x'.repeat(70_000),
    null,
    undefined,
    true,
    [],
    {},
    new Date(0),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
);

const protoKeyed: fc.Arbitrary<unknown> = fc.constantFrom(
  () => JSON.parse('{"__proto__": {"polluted": "yes"}}'),
  () => JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}'),
  () => JSON.parse('{"__proto__": "x", "toString": "y", "valueOf": 1}'),
).map((make) => make());

const deep: fc.Arbitrary<unknown> = fc.constantFrom(100, 10_000).map(deepArray);

/** Arbitrary JSON and hostile values, nested. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 4, arbitrary: hostileLeaf },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: protoKeyed },
  { weight: 1, arbitrary: fc.array(hostileLeaf, { maxLength: 4 }) },
);

// Every path into a value, so a mutation can reach deep validation (a country, a line price).
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) paths(v, [...prefix, i], out);
  } else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function setPath(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  // An own property even for `__proto__`, as JSON.parse would make.
  Object.defineProperty(node, path[path.length - 1] as string | number, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** A valid argument with one place replaced (or one hostile key added), or an arbitrary value. */
function around(valid: unknown): fc.Arbitrary<unknown> {
  const all = paths(valid);
  const mutated = fc.tuple(fc.integer({ min: 0, max: all.length - 1 }), anyValue).map(([i, v]) => setPath(valid, all[i] as (string | number)[], v));
  const extraKey = fc
    .tuple(fc.integer({ min: 0, max: all.length - 1 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', '\u0000'), anyValue)
    .map(([i, key, v]) => {
      const at = all[i] as (string | number)[];
      const target = at.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], valid);
      return target !== null && typeof target === 'object' && !Array.isArray(target) ? setPath(valid, [...at, key], v) : setPath(valid, at, v);
    });
  return fc.oneof({ weight: 2, arbitrary: fc.constant(valid) }, { weight: 6, arbitrary: mutated }, { weight: 2, arbitrary: extraKey }, { weight: 2, arbitrary: anyValue });
}

// ---- commands -------------------------------------------------------------

interface Ids {
  orders: string[];
  shipments: string[];
  returns: string[];
  trackingNumbers: string[];
}

type Command = { name: string; args: (ids: Ids) => fc.Arbitrary<unknown[]>; call: (ff: Fulfillment, args: unknown[]) => Promise<unknown> };

const id = (pool: (ids: Ids) => string[]) => (ids: Ids) => fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...pool(ids)) }, { weight: 2, arbitrary: anyValue });
const order = id((x) => x.orders);
const shipment = id((x) => x.shipments);
const rma = id((x) => x.returns);
// biome-ignore lint/suspicious/noExplicitAny: the point is to call commands with values their types forbid.
type Loose = (...args: any[]) => Promise<unknown>;
const call = (pick: (ff: Fulfillment) => unknown) => (ff: Fulfillment, args: unknown[]) => (pick(ff) as Loose)(...args);

const COMMANDS: Command[] = [
  { name: 'inventory.receive', args: () => fc.tuple(around({ sku: 'MUG', locationId: 'east', quantity: 1, bin: 'A-01-1' })), call: call((ff) => ff.inventory.receive) },
  { name: 'inventory.adjust', args: () => fc.tuple(around({ sku: 'MUG', locationId: 'east', delta: -1, reason: 'count' })), call: call((ff) => ff.inventory.adjust) },
  { name: 'inventory.configure', args: () => fc.tuple(around({ sku: 'MUG', locationId: 'east', safetyStock: 0, reorderPoint: 2 })), call: call((ff) => ff.inventory.configure) },
  { name: 'inventory.level', args: () => fc.tuple(around('MUG')), call: call((ff) => ff.inventory.level) },
  { name: 'inventory.ledger', args: () => fc.tuple(around('MUG')), call: call((ff) => ff.inventory.ledger) },
  { name: 'inventory.reconcile', args: () => fc.tuple(around(['MUG'])), call: call((ff) => ff.inventory.reconcile) },
  { name: 'orders.place', args: () => fc.tuple(around(validOrder()), around({ idempotencyKey: 'cart-1' })), call: call((ff) => ff.orders.place) },
  { name: 'orders.get', args: (ids) => fc.tuple(order(ids)), call: call((ff) => ff.orders.get) },
  { name: 'orders.list', args: () => fc.tuple(around({ status: 'processing', limit: 10 })), call: call((ff) => ff.orders.list) },
  { name: 'orders.cancel', args: (ids) => fc.tuple(order(ids), around({ reason: 'changed mind' })), call: call((ff) => ff.orders.cancel) },
  { name: 'orders.hold', args: (ids) => fc.tuple(order(ids), around({ reason: 'fraud review' })), call: call((ff) => ff.orders.hold) },
  { name: 'orders.releaseHold', args: (ids) => fc.tuple(order(ids)), call: call((ff) => ff.orders.releaseHold) },
  { name: 'orders.retryPayment', args: (ids) => fc.tuple(order(ids), around({ method: 'tok_visa' })), call: call((ff) => ff.orders.retryPayment) },
  { name: 'orders.syncPayment', args: (ids) => fc.tuple(order(ids)), call: call((ff) => ff.orders.syncPayment) },
  { name: 'orders.history', args: (ids) => fc.tuple(order(ids)), call: call((ff) => ff.orders.history) },
  { name: 'fulfillment.pickList', args: () => fc.tuple(around({ locationId: 'east', limit: 5 })), call: call((ff) => ff.fulfillment.pickList) },
  { name: 'fulfillment.confirmPick', args: (ids) => fc.tuple(shipment(ids), around({ lines: [{ sku: 'MUG', quantity: 1 }] })), call: call((ff) => ff.fulfillment.confirmPick) },
  {
    name: 'fulfillment.pack',
    args: (ids) =>
      fc.tuple(
        shipment(ids),
        around({ parcels: [{ dimensions: { length: 20, width: 15, height: 10, unit: 'cm' }, weight: { value: 500, unit: 'g' }, items: [{ sku: 'MUG', quantity: 1 }] }] }),
      ),
    call: call((ff) => ff.fulfillment.pack),
  },
  { name: 'fulfillment.ship', args: (ids) => fc.tuple(shipment(ids), around({ carrier: 'sandbox' })), call: call((ff) => ff.fulfillment.ship) },
  {
    name: 'tracking.handleWebhook',
    args: () => fc.tuple(around('sandbox'), around({ headers: { 'fulfillkit-signature': 't=1,v1=00' }, rawBody: '{"carrier":"sandbox"}' })),
    call: call((ff) => ff.tracking.handleWebhook),
  },
  {
    name: 'tracking.record',
    args: (ids) =>
      fc.tuple(around({ carrierId: 'sandbox', trackingNumber: ids.trackingNumbers[0] ?? 'TR1', status: 'in_transit', occurredAt: '2026-03-02T09:00:00.000Z' })),
    call: call((ff) => ff.tracking.record),
  },
  { name: 'tracking.poll', args: () => fc.tuple(around({ limit: 10 })), call: call((ff) => ff.tracking.poll) },
  { name: 'returns.request', args: (ids) => fc.tuple(order(ids), around({ lines: [{ sku: 'MUG', quantity: 1 }], reason: 'too small' })), call: call((ff) => ff.returns.request) },
  { name: 'returns.approve', args: (ids) => fc.tuple(rma(ids)), call: call((ff) => ff.returns.approve) },
  { name: 'returns.receive', args: (ids) => fc.tuple(rma(ids), around({ lines: [{ sku: 'MUG', quantity: 1, restock: true }] })), call: call((ff) => ff.returns.receive) },
  { name: 'outbox.dispatch', args: () => fc.tuple(around({ batchSize: 10, maxMessages: 20 })), call: call((ff) => ff.outbox.dispatch) },
];

// Refusals documented to record something: a declined retry keeps its attempt (provider keys are never reused).
function refusalMayWrite(command: string, code: FulfillmentErrorCode): boolean {
  return command === 'orders.retryPayment' && code === 'PAYMENT_DECLINED';
}

// ---- storage snapshots ----------------------------------------------------

/** Everything a memory store holds, as text: Maps, Sets and class fields included, in their order. */
function memorySnapshot(storage: StorageAdapter): string {
  const internals = inspectMemoryStorage(storage);
  if (!internals) throw new Error('not a memory store');
  const seen = new WeakSet<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (v === null || typeof v !== 'object') return v;
    if (seen.has(v)) return '[shared]';
    seen.add(v);
    if (v instanceof Map) return { map: [...v.entries()].map(([k, x]) => [walk(k), walk(x)]) };
    if (v instanceof Set) return { set: [...v].map(walk) };
    if (Array.isArray(v)) return v.map(walk);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
  };
  return JSON.stringify(walk(internals));
}

async function tableSnapshot(query: (text: string) => Promise<Record<string, unknown>[]>, schema: string): Promise<string> {
  const tables = await query(`SELECT table_name FROM information_schema.tables WHERE table_schema = '${schema}' ORDER BY table_name`);
  const out: Record<string, unknown> = {};
  for (const { table_name } of tables) out[table_name as string] = await query(`SELECT * FROM "${schema}"."${table_name}" ORDER BY 1`);
  return JSON.stringify(out);
}

function prototypeSnapshot(): string {
  const describe = (o: object) =>
    Object.getOwnPropertyNames(o)
      .sort()
      .map((name) => {
        const d = Object.getOwnPropertyDescriptor(o, name);
        return `${name}:${typeof d?.value}:${typeof d?.get}`;
      })
      .join(',');
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype].map(describe).join('|');
}

// ---- the property ---------------------------------------------------------

/**
 * Run `runs` hostile calls against one shop (memory or PGlite) and throw on
 * the first call that escapes as something else than a documented
 * FulfillmentError, changes storage while refusing, or touches a prototype.
 */
export async function fuzzCommands(options: CommandFuzzOptions): Promise<CommandFuzzReport> {
  const pglite = options.storage === 'pglite' ? await openPglite() : null;
  const schema = pglite?.schema() ?? '';
  const storage = pglite ? postgresStorage({ client: pglite.client, schema }) : memoryStorage();
  const snapshot = pglite ? () => tableSnapshot((text) => pglite.query(text), schema) : async () => memorySnapshot(storage);
  const clock = fakeClock('2026-03-02T09:00:00.000Z');
  const ff = createFulfillment({
    storage,
    clock,
    locations: [EAST],
    carriers: [sandboxCarrier({ clock })],
    payments: sandboxPayment({ clock }),
    notifier: memoryNotifier(),
    policy: { retry: { timeoutMs: 2_000, retries: 0, baseDelayMs: 1 } },
    onBackgroundError: () => undefined,
  });
  const report: CommandFuzzReport = { runs: 0, succeeded: 0, refused: {} };
  try {
    const ids = await seedShop(ff, clock);
    const prototypes = prototypeSnapshot();
    const cases = fc.oneof(...COMMANDS.map((c) => c.args(ids).map((args) => ({ command: c, args }))));
    await fc.assert(
      fc.asyncProperty(cases, async ({ command, args }) => {
        report.runs++;
        const before = await snapshot();
        let outcome: unknown = null;
        let succeeded = false;
        try {
          await command.call(ff, args);
          succeeded = true;
        } catch (err) {
          outcome = err;
        }
        if (prototypeSnapshot() !== prototypes || ({} as Record<string, unknown>).polluted !== undefined) {
          throw new Error(`${command.name} changed a built-in prototype`);
        }
        if (succeeded) {
          report.succeeded++;
          return;
        }
        if (!isFulfillmentError(outcome)) {
          throw new Error(`${command.name} threw ${String((outcome as Error)?.name)}: ${String((outcome as Error)?.message).slice(0, 300)}`);
        }
        const code = outcome.code;
        report.refused[code] = (report.refused[code] ?? 0) + 1;
        if (!DOCUMENTED_REFUSALS.has(code)) throw new Error(`${command.name} refused with ${code}: ${outcome.message.slice(0, 300)}`);
        JSON.stringify(outcome.toJSON()); // every refusal can be logged
        if (!refusalMayWrite(command.name, code) && (await snapshot()) !== before) {
          throw new Error(`${command.name} refused with ${code} but changed storage: ${outcome.message.slice(0, 300)}`);
        }
      }),
      { numRuns: options.runs, seed: options.seed, endOnFailure: true },
    );
  } finally {
    await ff.close();
    await pglite?.close();
  }
  return report;
}

// A shop with stock and orders in every state, so valid ids reach deep into the commands.
async function seedShop(ff: Fulfillment, clock: ReturnType<typeof fakeClock>): Promise<Ids> {
  await ff.inventory.receive({ sku: 'MUG', locationId: 'east', quantity: 1_000 });
  const place = () => ff.orders.place(validOrder() as never);
  const [pending, packed, shipped, delivered] = [await place(), await place(), await place(), await place()];
  const pick = async (o: typeof pending) => {
    const s = o.shipments[0]!;
    await ff.fulfillment.confirmPick(s.id, { lines: s.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) });
    await ff.fulfillment.pack(s.id);
    return s.id;
  };
  await pick(packed);
  const shippedLabel = (await ff.fulfillment.ship(await pick(shipped))).shipment.label!;
  const { shipment: deliveredShipment } = await ff.fulfillment.ship(await pick(delivered));
  await ff.tracking.record({ carrierId: 'sandbox', trackingNumber: deliveredShipment.label!.trackingNumber, status: 'delivered', occurredAt: clock.now().toISOString() });
  const rma = await ff.returns.request(delivered.id, { lines: [{ sku: 'MUG', quantity: 1 }], reason: 'too small' });
  return {
    orders: [pending.id, packed.id, shipped.id, delivered.id],
    shipments: [pending, packed, shipped, delivered].map((o) => o.shipments[0]!.id),
    returns: [rma.id],
    trackingNumbers: [shippedLabel.trackingNumber],
  };
}
