// The host action example of docs/guides/state-machines.md runs verbatim (the
// fenced block saved to a file, `fulfillkit` resolved to the source through
// tsconfig paths) and prints what the guide says it prints.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function hostActionExample(): string {
  const guide = readFileSync(join(root, 'docs/guides/state-machines.md'), 'utf8');
  const section = guide.slice(guide.indexOf('## Host actions with `.provide()`'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('the guide has no host action example');
  return code;
}

it('the guide’s host action runs once, after the placing write, with the event and the order', async () => {
  const code = hostActionExample();
  expect(code).toContain('orderMachine.provide({');
  const dir = mkdtempSync(join(tmpdir(), 'fulfillkit-guide-'));
  try {
    const file = join(dir, 'host-action.mts');
    writeFileSync(file, code);
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    const { stdout } = await promisify(execFile)(tsx, ['--tsconfig', join(root, 'tsconfig.json'), file], { cwd: root, timeout: 60_000 });
    const lines = stdout.trim().split('\n');
    const id = /^placed (ord_\S+): processing$/.exec(lines[0] ?? '')?.[1];
    expect(id, stdout).toBeDefined();
    expect(lines.slice(1)).toEqual([`warehouse: pick ${id}`, 'startFulfillment after PAYMENT_AUTHORIZED: order processing, stock reserved true']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
