// Entry of `fulfillkit/postgres`: durable storage on PostgreSQL or PGlite.
export { postgresStorage, type PostgresStorage, type PostgresStorageOptions } from './storage/postgres/postgres-storage.js';
export { migrate, MIGRATIONS, type MigrateOptions, type Migration } from './storage/postgres/postgres-migrations.js';
export type { PostgresClient, PgPoolLike, PgPoolClientLike, PgliteLike, SqlQueryable, SqlResultLike } from './storage/postgres/postgres-client.js';
export type { ReserveBatchingOptions } from './storage/postgres/postgres-reserve-queue.js';
export type { OrderWriteBatchingOptions } from './storage/postgres/postgres-write-queue.js';
