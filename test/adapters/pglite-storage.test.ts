// The PostgreSQL adapter on an in-memory PGlite: the storage conformance kit
// plus the adapter's own cases. Always runs; one PGlite per file (it boots slowly).
import { afterAll, beforeAll } from 'vitest';
import { postgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { describeStorageConformance } from '../../src/testing/storage-conformance.js';
import { openPglite, type TestDatabase } from '../helpers/database.js';
import { describePostgresStorageCases, sqlReader } from '../helpers/postgres-storage-cases.js';

let db: TestDatabase;
let schema: string;

beforeAll(async () => {
  db = await openPglite();
  schema = db.schema();
  await postgresStorage({ client: db.client, schema }).migrate();
});
afterAll(async () => {
  await db?.close();
});

describeStorageConformance('postgresStorage (PGlite)', () => postgresStorage({ client: db.client, schema }), {
  reader: () => sqlReader(db, schema),
});

describePostgresStorageCases('postgresStorage (PGlite)', () => db);
