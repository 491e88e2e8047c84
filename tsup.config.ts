import { defineConfig } from 'tsup';

// One entry per public subpath; scripts/check-package.mjs fails when these,
// package.json "exports" and typedoc's entry points disagree.
export const entries = {
  index: 'src/index.ts',
  memory: 'src/memory.ts',
  postgres: 'src/postgres.ts',
  adapters: 'src/adapters.ts',
  testing: 'src/testing.ts',
};

export default defineConfig({
  entry: entries,
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
  splitting: true,
  external: ['pg', '@electric-sql/pglite', 'vitest'],
});
