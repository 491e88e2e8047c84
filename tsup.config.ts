import { defineConfig } from 'tsup';

// One entry per public subpath; scripts/check-package.mjs fails when these,
// package.json "exports" and typedoc's entry points disagree.
export const entries = {
  index: 'src/index.ts',
  memory: 'src/memory.ts',
  postgres: 'src/postgres.ts',
  adapters: 'src/adapters.ts',
  testing: 'src/testing.ts',
  diagrams: 'src/diagrams.ts',
  http: 'src/http.ts',
  nats: 'src/nats.ts',
  amqp: 'src/amqp.ts',
  otel: 'src/otel.ts',
};

// Optional peers: never bundled, each needed only by its subpath.
const peers = ['pg', '@electric-sql/pglite', '@nats-io/jetstream', '@nats-io/transport-node', 'amqplib', '@opentelemetry/api'];

const shared = {
  entry: entries,
  dts: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
  splitting: true,
  clean: false,
  external: [...peers, 'vitest'],
} as const;

export default defineConfig([
  { ...shared, format: ['esm'] },
  {
    ...shared,
    format: ['cjs'],
    external: peers,
    noExternal: ['vitest'],
    // vitest is ESM-only: the CommonJS kits reach the runner through its globals.
    esbuildOptions(options) {
      options.alias = { vitest: './src/testing/vitest-globals.ts' };
    },
  },
]);
