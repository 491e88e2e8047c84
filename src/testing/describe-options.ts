// Options every conformance kit accepts, and the one place that decides
// whether a named check is registered as a test or skipped.
import { it } from './runner.js';

/** Options shared by every `describe*Conformance` kit. */
export interface ConformanceOptions {
  /**
   * Names of checks to register as skipped, exactly as they appear in the
   * test report (e.g. `'reserve: all-or-nothing across lines'`).
   * @defaultValue []
   */
  skip?: string[];
}

/** The body of one registered check. Receives vitest's test context. */
export type ConformanceTestBody = (context: { skip: (note?: string) => never }) => Promise<void> | void;

/**
 * Register `body` as a vitest test named `name`, or as a skipped test when
 * `options.skip` lists the name.
 *
 * @example
 * ```ts
 * describe('carrier', () => {
 *   registerConformanceTest('getRates: returns rates', async () => {
 *     expect((await carrier.getRates(request)).length).toBeGreaterThan(0);
 *   }, { skip: ['getRates: returns rates'] });
 * });
 * ```
 */
export function registerConformanceTest(name: string, body: ConformanceTestBody, options: ConformanceOptions = {}): void {
  if (options.skip?.includes(name)) {
    it.skip(name, () => {});
    return;
  }
  it(name, (context) => body({ skip: (note?: string) => context.skip(note) }));
}
