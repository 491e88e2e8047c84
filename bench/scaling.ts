// Benchmark 4: the cost of place, get and list-by-status as the store grows.
// A small store stays alive beside the growing one, so both are measured in
// interleaved runs of the same process.
import { memoryStorage } from '../src/storage/memory/memory-storage.js';
import type { Order } from '../src/domain/order.js';
import type { OrderStatus } from '../src/domain/status.js';
import type { StorageAdapter } from '../src/ports/storage.js';
import { makeTestOrder } from '../src/testing/fixtures.js';
import { type Spread, compare, pooled, seededRandom, spreadOf } from './harness.js';
import type { BenchDatabase } from './pg.js';
import { type PrefilledStore, openPrefilledStore, prefill } from './pg-prefill.js';
import type { BenchResult, BenchSettings } from './report.js';
import { type BenchShop, WAREHOUSE, benchOrder, benchShop } from './shop.js';

const PREFILL_STATUSES: readonly OrderStatus[] = ['processing', 'shipped', 'delivered', 'cancelled'];
const AT = '2026-03-02T09:00:00.000Z';

/** A store being filled with fixture orders straight through the storage port (the engine would take far longer). */
interface Store {
  shop: BenchShop;
  size: number;
  /** The id of the `n`th prefilled order. */
  idAt(n: number): string;
}

async function openStore(storage: StorageAdapter, namespace: string): Promise<Store> {
  const shop = benchShop(storage, namespace);
  for (const sku of ['TEE-M', 'MUG-1']) await storage.receive({ sku, locationId: WAREHOUSE.id, quantity: 50_000_000, at: AT });
  return { shop, size: 0, idAt: (n) => `pre_${n}` };
}

async function fill(store: Store, target: number, width: number, label: string): Promise<void> {
  const template: Order = makeTestOrder({ createdAt: AT });
  const from = store.size;
  const count = target - from;
  // A progress line for the long prefills (a million orders take minutes), updated every 5 %.
  const step = Math.max(1, Math.floor(count / 20));
  const started = performance.now();
  let done = 0;
  await pooled(count, width, async (i) => {
    const n = from + i;
    const order = { ...template, id: `pre_${n}`, status: PREFILL_STATUSES[n % PREFILL_STATUSES.length] as OrderStatus };
    await store.shop.storage.createOrder({ order });
    done++;
    if (count >= 50_000 && (done % step === 0 || done === count)) {
      const s = ((performance.now() - started) / 1000).toFixed(0);
      process.stdout.write(`\r  ${label}: prefill ${Math.round((done / count) * 100)} % (${(from + done).toLocaleString('en-US')} of ${target.toLocaleString('en-US')} orders, ${s} s) `);
      if (done === count) process.stdout.write('\n');
    }
  });
  store.size = target;
}

type Operation = 'place' | 'get' | 'list';

/** One timed batch of an operation against a store. */
function contender(store: Store, op: Operation, ops: number, seed: number) {
  let round = 0;
  return {
    ops,
    prepare: () => {
      const random = seededRandom(seed + ++round);
      return Array.from({ length: ops }, () => store.idAt(Math.floor(random() * store.size)));
    },
    run: async (prepared: unknown) => {
      const ids = prepared as string[];
      const { ff } = store.shop;
      if (op === 'place') {
        for (let i = 0; i < ops; i++) await ff.orders.place(benchOrder());
      } else if (op === 'get') {
        for (const id of ids) if ((await ff.orders.get(id)) === null) throw new Error(`scaling: ${id} missing`);
      } else {
        for (let i = 0; i < ops; i++) {
          const page = await ff.orders.list({ status: 'delivered', limit: 50 });
          if (page.items.length !== 50) throw new Error(`scaling: list returned ${page.items.length}`);
        }
      }
    },
  };
}

const invert = (s: Spread): Spread => spreadOf(s.samples.map((x) => 1 / x));
const costOf = (s: Spread): Spread => spreadOf(s.samples.map((x) => 1e6 / x));

async function measure(
  small: Store,
  big: Store,
  op: Operation,
  ops: number,
  settings: BenchSettings,
): Promise<{ cost: Spread; baseCost: Spread; ratio: Spread }> {
  const result = await compare({
    warmup: 1,
    runs: settings.smoke ? 1 : 5,
    subject: contender(big, op, ops, 7),
    baseline: contender(small, op, ops, 7),
  });
  return { cost: costOf(result.subject), baseCost: costOf(result.baseline), ratio: invert(result.ratio) };
}

function row(
  backend: 'memory' | 'PostgreSQL',
  op: Operation,
  sizes: { small: number; big: number },
  m: { cost: Spread; baseCost: Spread; ratio: Spread },
  extra: string,
): BenchResult {
  const label = { place: 'orders.place', get: 'orders.get', list: "orders.list({ status: 'delivered', limit: 50 })" }[op];
  return {
    id: `scaling-${backend === 'memory' ? 'mem' : 'pg'}-${op}`,
    benchmark: `4. Scaling, ${backend}`,
    subject: `${label}, µs per call at ${sizes.big.toLocaleString('en-US')} stored orders`,
    baseline: `the same call at ${sizes.small.toLocaleString('en-US')} stored orders (a second store, interleaved)`,
    unit: 'µs/op',
    subjectValue: m.cost,
    baselineValue: m.baseCost,
    ratio: m.ratio,
    target: { on: 'ratio', kind: 'max', value: 1.5, label: '≤ 1.5× (largest / smallest)' },
    note: extra,
  };
}

/** Benchmark 4, memory adapter: 1k → 100k → 1M. */
export async function memoryScalingBench(settings: BenchSettings): Promise<BenchResult[]> {
  const sizes = settings.smoke ? [1_000, 5_000, 20_000] : [1_000, 100_000, 1_000_000];
  const ops = settings.smoke ? { place: 100, get: 500, list: 50 } : { place: 1_000, get: 20_000, list: 400 };
  const small = await openStore(memoryStorage(), 's');
  const big = await openStore(memoryStorage(), 'b');
  await fill(small, sizes[0] as number, 1, 'memory');
  const mid: string[] = [];
  let last: BenchResult[] = [];
  for (const size of sizes.slice(1)) {
    const started = performance.now();
    await fill(big, size, 1, 'memory');
    const prefillS = ((performance.now() - started) / 1000).toFixed(1);
    last = [];
    for (const op of ['place', 'get', 'list'] as const) {
      const m = await measure(small, big, op, ops[op], settings);
      last.push(row('memory', op, { small: sizes[0] as number, big: size }, m, `prefill to ${size.toLocaleString('en-US')} took ${prefillS} s`));
      if (size !== sizes[sizes.length - 1]) mid.push(`${op} ${m.ratio.median.toFixed(2)}×`);
    }
  }
  for (const r of last) r.note = `${r.note}; at ${(sizes[1] as number).toLocaleString('en-US')}: ${mid.join(', ')}`;
  await small.shop.ff.close();
  await big.shop.ff.close();
  return last;
}

/** Benchmark 4, PostgreSQL: 1k → 1M, prefilled with bulk copies of engine-written orders (bench/pg-prefill.ts). */
export async function postgresScalingBench(settings: BenchSettings, db: BenchDatabase): Promise<BenchResult[]> {
  const sizes = settings.smoke ? [500, 2_000] : [1_000, 1_000_000];
  const ops = settings.smoke ? { place: 20, get: 100, list: 20 } : { place: 200, get: 1_000, list: 200 };
  const small = await openPrefilledStore(db, 's');
  const big = await openPrefilledStore(db, 'b');
  const started = performance.now();
  await prefill(db, small, sizes[0] as number, 'PostgreSQL');
  await prefill(db, big, sizes[1] as number, 'PostgreSQL');
  const prefillS = ((performance.now() - started) / 1000).toFixed(1);
  const results: BenchResult[] = [];
  for (const op of ['place', 'get', 'list'] as const) {
    const m = await measure(asStore(small), asStore(big), op, ops[op], settings);
    results.push(
      row('PostgreSQL', op, { small: sizes[0] as number, big: sizes[1] as number }, m, `one caller; bulk prefill of engine-written templates took ${prefillS} s`),
    );
  }
  return results;
}

const asStore = (store: PrefilledStore): Store => ({ shop: store.shop, size: store.copies, idAt: store.idAt });
