// The README's shop integration runs as written (imports mapped to the source).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import * as adapters from '../../src/adapters.js';
import * as core from '../../src/index.js';
import * as memory from '../../src/memory.js';

const MODULES: Record<string, unknown> = { fulfillkit: core, 'fulfillkit/memory': memory, 'fulfillkit/adapters': adapters };

it('README shop integration runs end to end in under 40 lines', async () => {
  const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## A shop in under 40 lines'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(code).toBeDefined();
  expect(code!.trimEnd().split('\n').length).toBeLessThan(40);

  const body = code!
    .replace(/^import \{([^}]+)\} from '([^']+)';$/gm, (_, names: string, from: string) => `const {${names}} = modules[${JSON.stringify(from)}];`)
    .concat('\nreturn { ff, order };');
  const intervals: unknown[] = [];
  const run = new Function('modules', 'setInterval', 'console', `return (async () => {${body}})();`) as (
    modules: Record<string, unknown>,
    setInterval: (fn: unknown) => void,
    console: { log: (...args: unknown[]) => void },
  ) => Promise<{ ff: core.Fulfillment; order: core.Order }>;
  const { ff, order } = await run(MODULES, (fn) => intervals.push(fn), { log: () => undefined });

  expect(order.status).toBe('processing');
  const shipped = await ff.orders.get(order.id);
  expect(shipped?.status).toBe('shipped');
  expect((await ff.inventory.level('TEE-M')).onHand).toBe(18);
  expect(intervals).toHaveLength(1);
});
