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
  stripe: 'src/stripe.ts',
  easypost: 'src/easypost.ts',
  shippo: 'src/shippo.ts',
  smtp: 'src/smtp.ts',
};

const shared = {
  entry: entries,
  dts: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
  splitting: true,
  clean: false,
  external: ['pg', '@electric-sql/pglite', 'vitest', 'stripe', 'shippo', 'nodemailer'],
} as const;

export default defineConfig([
  { ...shared, format: ['esm'] },
  {
    ...shared,
    format: ['cjs'],
    external: ['pg', '@electric-sql/pglite', 'stripe', 'shippo', 'nodemailer'],
    noExternal: ['vitest'],
    // vitest is ESM-only: the CommonJS kits reach the runner through its globals.
    esbuildOptions(options) {
      options.alias = { vitest: './src/testing/vitest-globals.ts' };
    },
  },
]);
