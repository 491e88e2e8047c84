// The PostgreSQL adapter on a real server: the storage conformance kit plus
// the adapter's own cases, once straight to DATABASE_URL and once through
// PgBouncer in transaction mode at PGBOUNCER_URL. Each skips without its URL,
// unless CI (or FULFILLKIT_REQUIRE_POSTGRES=1 / FULFILLKIT_REQUIRE_PGBOUNCER=1)
// demands the server: then it fails.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { postgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { describeStorageConformance } from '../../src/testing/storage-conformance.js';
import { openPostgres, postgresTargets } from '../helpers/database.js';
import { describePostgresStorageCases, sqlReader } from '../helpers/postgres-storage-cases.js';

for (const target of postgresTargets()) {
  const { db, problem } = await openPostgres({ target });
  const name = `postgresStorage (${target.name})`;

  if (problem !== null) {
    it(`${target.name} is reachable`, () => {
      throw new Error(problem);
    });
  }

  if (db === null) {
    describe.skip(`${name}: ${target.urlVar} is not set`, () => {
      it('skipped', () => {});
    });
    continue;
  }
  // Behind the pooler the kit runs as deployments are told to configure it;
  // the adapter's own cases keep the default and so detect the pooler themselves.
  const preparedStatements = target.name === 'PgBouncer' ? false : undefined;
  const schema = db.schema();
  describe(name, () => {
    beforeAll(async () => {
      await postgresStorage({ client: db.client, schema, preparedStatements }).migrate();
    });
    afterAll(async () => {
      await db.close();
    });

    describeStorageConformance(name, () => postgresStorage({ client: db.client, schema, preparedStatements }), {
      reader: () => sqlReader(db, schema),
    });

    describePostgresStorageCases(name, () => db);
  });
}
