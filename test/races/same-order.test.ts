// Commands racing on one order, two engine instances on one store, on memory,
// PGlite and (with DATABASE_URL) PostgreSQL with two pools. Every trial checks
// the providers' books: labels, money, stock, and that the order can still end.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type TestDatabase, openPglite, openPostgres } from '../helpers/database.js';
import { type RaceStore, memoryStore, sqlStore } from './race-world.js';
import { RACE_PAIRS, runTrial } from './same-order-scenarios.js';

function suite(store: () => RaceStore | null) {
  for (const pair of RACE_PAIRS) {
    it(pair.name, async (context) => {
      const s = store();
      if (!s) return context.skip();
      for (let trial = 1; trial <= s.trials; trial++) await runTrial(pair, s, trial * 7919 + pair.name.length);
    });
  }
}

// RACE_TRIALS=200 runs a deeper sweep on memory (the SQL stores keep their modest counts).
const MEMORY_TRIALS = Number(process.env.RACE_TRIALS ?? 25);

describe('same-order races on memory', () => {
  suite(() => memoryStore(MEMORY_TRIALS));
});

describe('same-order races on PGlite', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openPglite();
  }, 60_000);
  afterAll(async () => db?.close());
  suite(() => sqlStore('pglite', 2, () => db));
}, 120_000);

describe('same-order races on PostgreSQL, two pools', () => {
  let first: TestDatabase | null = null;
  let second: TestDatabase | null = null;
  beforeAll(async () => {
    first = (await openPostgres({ max: 4 })).db;
    second = first ? (await openPostgres({ max: 4 })).db : null;
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });
  suite(() => (first && second ? sqlStore('postgres', 3, () => first as TestDatabase, () => second as TestDatabase) : null));
}, 120_000);
