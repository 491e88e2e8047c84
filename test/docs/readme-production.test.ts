// The README's production wiring is the type-checked examples/production.ts, line for line.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

it('README production wiring matches examples/production.ts', () => {
  const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const example = readFileSync(resolve(import.meta.dirname, '../../examples/production.ts'), 'utf8');
  const section = readme.slice(readme.indexOf('## In production'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const lines = code.split('\n').filter((l) => l.trim() !== '');
  expect(lines.length).toBeGreaterThan(20);
  const exampleLines = new Set(example.split('\n'));
  for (const line of lines) expect(exampleLines.has(line), `README line not in the example: ${line}`).toBe(true);
});
