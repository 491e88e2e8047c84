import { join } from 'node:path';
import type { Plugin } from 'esbuild';
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
  stripe: 'src/stripe.ts',
  easypost: 'src/easypost.ts',
  shippo: 'src/shippo.ts',
  smtp: 'src/smtp.ts',
};

// Optional peers: never bundled, each needed only by its subpath.
const peers = ['pg', '@electric-sql/pglite', '@nats-io/jetstream', '@nats-io/transport-node', 'amqplib', '@opentelemetry/api', 'stripe', 'shippo', 'nodemailer'];

// Dependencies that publish ESM only. The CommonJS build bundles them, so that
// `require('fulfillkit')` works where CommonJS cannot load ESM (Node before
// 20.19, `--no-experimental-require-module`, tsx's `.cts` loader).
export const esmOnlyDependencies = ['nanoid'];

// vitest is ESM-only and cannot be bundled: in the CommonJS build the kits
// reach the test runner through its globals (src/testing/runner-globals.ts).
const testRunnerFromGlobals: Plugin = {
  name: 'test-runner-from-globals',
  setup(build) {
    build.onResolve({ filter: /^\.\/runner\.js$/ }, (args) => ({ path: join(args.resolveDir, 'runner-globals.ts') }));
  },
};

// The default storage loads the memory store with `import()` in the ESM build
// (a chunk of its own); CommonJS imports it statically (src/engine/memory-loader-cjs.ts).
const staticMemoryLoader: Plugin = {
  name: 'static-memory-loader',
  setup(build) {
    build.onResolve({ filter: /^\.\/memory-loader\.js$/ }, (args) => ({ path: join(args.resolveDir, 'memory-loader-cjs.ts') }));
  },
};

const shared = {
  entry: entries,
  dts: true,
  sourcemap: true,
  target: 'es2022' as const,
  treeshake: true,
  splitting: true,
  clean: false,
  external: [...peers, 'vitest'],
};

export default defineConfig([
  { ...shared, format: ['esm'] },
  {
    ...shared,
    format: ['cjs'],
    external: peers,
    // The .d.cts files are the ESM declarations with .cjs specifiers: `npm run build`
    // writes them (scripts/cts-declarations.mjs) instead of a second declaration pass.
    dts: false,
    noExternal: esmOnlyDependencies,
    esbuildPlugins: [testRunnerFromGlobals, staticMemoryLoader],
  },
]);
