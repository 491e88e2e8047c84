// The hostile-input property on every command, on the memory store and on
// PGlite, at a size that keeps `npm test` fast; `npm run soak` runs 10,000+.
import { describe, expect, it } from 'vitest';
import { fuzzCommands } from '../helpers/command-fuzz.js';

describe('every command under arbitrary and hostile input', () => {
  it('memory: succeeds or refuses with a documented code, changing nothing on refusal', async () => {
    const report = await fuzzCommands({ storage: 'memory', runs: 400 });
    expect(report.runs).toBe(400);
    expect(report.succeeded).toBeGreaterThan(0);
    expect(report.refused.VALIDATION_FAILED ?? 0).toBeGreaterThan(0);
  }, 60_000);

  it('PGlite: the same answers, and the tables byte-identical after every refusal', async () => {
    const report = await fuzzCommands({ storage: 'pglite', runs: 120 });
    expect(report.runs).toBe(120);
    expect(report.refused.VALIDATION_FAILED ?? 0).toBeGreaterThan(0);
  }, 120_000);
});
