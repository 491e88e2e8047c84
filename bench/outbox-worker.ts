// Child process of the outbox workers benchmark: one worker running
// outbox.dispatch() until nothing is left unacked, delivering to a receiver
// that answers after a fixed latency, like a notification provider's API.
// Usage: tsx bench/outbox-worker.ts <schema> <latencyMs> <preparedStatements>; prints
// "ready", waits for a line on stdin, then prints one JSON line with its count.
import pg from 'pg';
import { postgresStorage } from '../src/storage/postgres/postgres-storage.js';
import { createFulfillment } from '../src/index.js';
import type { NotificationAdapter } from '../src/ports/notifier.js';

const [schema = '', latency = '0', prepared = 'true'] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 8 });
const storage = postgresStorage({ client: pool, schema, autoMigrate: false, preparedStatements: prepared !== 'false' });
const latencyMs = Number(latency);
const receiver: NotificationAdapter = {
  id: 'receiver',
  capabilities: { channels: ['email'] },
  send: (n) => new Promise((resolve) => setTimeout(() => resolve({ messageId: n.idempotencyKey }), latencyMs)),
};
const ff = createFulfillment({ storage, notifier: receiver });

// Warm the connections and statements before the clock starts.
await ff.outbox.stats();
process.stdout.write('ready\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
let delivered = 0;
for (;;) {
  const sent = await ff.outbox.dispatch({ batchSize: 100 });
  delivered += sent.delivered;
  if (sent.delivered + sent.retrying + sent.parked > 0) continue;
  const stats = await ff.outbox.stats();
  if (stats.pending + stats.leased === 0) break;
  await new Promise((r) => setTimeout(r, 5));
}
process.stdout.write(`${JSON.stringify({ delivered })}\n`);
await ff.close();
await pool.end();
