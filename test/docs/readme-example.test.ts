// The README's shop runs verbatim (the fenced block, written to a file as a
// user would save it, `fulfillkit` resolved to the source through tsconfig
// paths), finishes on its own, and prints the order's journey to delivery.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function readmeExample(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## A shop, from checkout to the doorstep'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README has no shop example');
  return code;
}

it('the README shop runs as written, exits by itself and prints the journey', async () => {
  const code = readmeExample();
  expect(code).not.toMatch(/setInterval|quantity: 2 \}\] \}\)/); // no timers left running, no hard-coded pick line
  const dir = mkdtempSync(join(tmpdir(), 'fulfillkit-readme-'));
  try {
    const file = join(dir, 'shop.mts');
    writeFileSync(file, code);
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    // A timer left running would keep the process alive until this timeout kills it.
    const { stdout } = await promisify(execFile)(tsx, ['--tsconfig', join(root, 'tsconfig.json'), file], { cwd: root, timeout: 60_000 });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^shipped shp_\S+ with sandbox, tracking \S+$/);
    const journey = lines.slice(1, -1).map((line) => line.split(' ')[1]);
    expect(journey).toEqual(
      expect.arrayContaining(['order.placed', 'payment.authorized', 'shipment.picked', 'shipment.packed', 'shipment.shipped', 'payment.captured', 'shipment.delivered']),
    );
    expect(journey.indexOf('order.placed')).toBeLessThan(journey.indexOf('shipment.shipped'));
    expect(journey.indexOf('shipment.shipped')).toBeLessThan(journey.indexOf('shipment.delivered'));
    expect(lines.at(-1)).toMatch(/^order ord_\S+ is delivered$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
