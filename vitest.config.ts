import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = fileURLToPath(new URL('./src/', import.meta.url));

export default defineConfig({
  // Examples import the package by name, as users do; tests run them against the source.
  resolve: {
    alias: [
      { find: /^fulfillkit$/, replacement: `${src}index.ts` },
      { find: /^fulfillkit\/(memory|postgres|adapters|testing|diagrams|http)$/, replacement: `${src}$1.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most suites wait on PostgreSQL, brokers or child processes rather than the CPU: four
    // workers on two cores keep the whole suite (with PostgreSQL) under two minutes.
    maxWorkers: 4,
  },
});
