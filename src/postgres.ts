// Entry of `fulfillkit/postgres`: durable storage on PostgreSQL or PGlite.
export { postgresStorage, type PostgresStorage, type PostgresStorageOptions } from './adapters/postgres-storage.js';
export { migrate, MIGRATIONS, type MigrateOptions, type Migration } from './adapters/postgres-migrations.js';
export type { PostgresClient, PgPoolLike, PgPoolClientLike, PgliteLike, SqlQueryable, SqlResultLike } from './adapters/postgres-client.js';
export type { ReserveBatchingOptions } from './adapters/postgres-reserve-queue.js';
