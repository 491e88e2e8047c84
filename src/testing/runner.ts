// The test runner the conformance kits register with. The runner's globals win
// when present (Jest, Bun, vitest with `globals: true`); otherwise vitest is
// imported if it is installed. Nothing here fails at load time, so `fakeClock`
// and the fixtures work in a project with no runner at all.
import type * as Vitest from './runner.js';
import * as globals from './runner-globals.js';

type Runner = Pick<typeof Vitest, 'describe' | 'it' | 'expect'>;

const vitest: Runner | null = globals.runnerGlobalsPresent() ? null : await import('vitest').catch(() => null);
const runner: Runner = vitest ?? (globals as unknown as Runner);

export const describe: Runner['describe'] = runner.describe;
export const it: Runner['it'] = runner.it;
export const expect: Runner['expect'] = runner.expect;
