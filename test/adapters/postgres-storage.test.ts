// The PostgreSQL adapter on a real server from DATABASE_URL: the storage
// conformance kit plus the adapter's own cases. Skips without DATABASE_URL,
// unless CI or FULFILLKIT_REQUIRE_POSTGRES=1 demand a server: then it fails.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { postgresStorage } from '../../src/adapters/postgres-storage.js';
import { describeStorageConformance } from '../../src/testing/storage-conformance.js';
import { openPostgres } from '../helpers/database.js';
import { describePostgresStorageCases, sqlReader } from '../helpers/postgres-storage-cases.js';

const { db, problem } = await openPostgres();

if (problem !== null) {
  it('PostgreSQL is reachable', () => {
    throw new Error(problem);
  });
}

if (db === null) {
  describe.skip('postgresStorage (PostgreSQL): DATABASE_URL is not set', () => {
    it('skipped', () => {});
  });
} else {
  const schema = db.schema();
  beforeAll(async () => {
    await postgresStorage({ client: db.client, schema }).migrate();
  });
  afterAll(async () => {
    await db.close();
  });

  describeStorageConformance('postgresStorage (PostgreSQL)', () => postgresStorage({ client: db.client, schema }), {
    reader: () => sqlReader(db, schema),
  });

  describePostgresStorageCases('postgresStorage (PostgreSQL)', () => db);
}
