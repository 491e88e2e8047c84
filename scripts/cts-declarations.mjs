// Writes the CommonJS declarations (dist/*.d.cts) from the ESM ones (dist/*.d.ts).
// They are the same declarations with `.cjs` specifiers, so the build runs the
// declaration pass once instead of once per format.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
let count = 0;
for (const file of readdirSync(dist)) {
  if (!file.endsWith('.d.ts')) continue;
  const text = readFileSync(join(dist, file), 'utf8').replace(/(from\s+|import\s+)(['"])(\.\.?\/[^'"]+)\.js\2/g, '$1$2$3.cjs$2');
  writeFileSync(join(dist, file.replace(/\.d\.ts$/, '.d.cts')), text);
  count++;
}
if (count === 0) {
  console.error('cts-declarations: no dist/*.d.ts to convert; run tsup first');
  process.exit(1);
}
console.log(`cts-declarations: wrote ${count} .d.cts files`);
