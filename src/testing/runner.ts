// The test runner the conformance kits register with. The runner's globals win
// when present (Jest, Bun, vitest with `globals: true`); otherwise vitest is
// imported if it is installed. Nothing here fails at load time, so `fakeClock`
// and the fixtures work in a project with no runner at all.
import type { ExpectStatic, SuiteAPI, TestAPI } from 'vitest';
import * as globals from './runner-globals.js';

interface Runner {
  describe: SuiteAPI;
  it: TestAPI;
  expect: ExpectStatic;
}

const vitest = globals.runnerGlobalsPresent() ? null : ((await import('vitest').catch(() => null)) as Runner | null);
const runner = vitest ?? (globals as unknown as Runner);

export const describe: SuiteAPI = runner.describe;
export const it: TestAPI = runner.it;
export const expect: ExpectStatic = runner.expect;
