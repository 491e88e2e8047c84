// The HTTP cases on PostgreSQL (DATABASE_URL) or, without it, on PGlite; one schema per test.
import { afterAll, it } from 'vitest';
import { postgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { type TestDatabase, openPglite, openPostgres, postgresRequired } from '../helpers/database.js';
import { describeHttpCases } from './api-cases.js';

const { db: server, problem } = await openPostgres();
if (problem !== null) {
  it('PostgreSQL is reachable', () => {
    throw new Error(problem);
  });
}
const db: TestDatabase | null = server ?? (problem === null && !postgresRequired() ? await openPglite() : null);
afterAll(async () => {
  await db?.close();
});

if (db) {
  describeHttpCases(
    db.kind,
    async () => {
      const storage = postgresStorage({ client: db.client, schema: db.schema() });
      await storage.migrate();
      return storage;
    },
    async () => {
      const schema = db.schema();
      const first = postgresStorage({ client: db.client, schema });
      await first.migrate();
      return [first, postgresStorage({ client: db.client, schema })];
    },
  );
}
