// Launching Debian's chromium through playwright-core for the console tests,
// kept off the network. In CI a missing browser fails the run; elsewhere the
// test is skipped with a message saying how to get one.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Why the browser cannot run here, or `null` when it can. */
export function browserProblem(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `No browser at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`;
}

/** Whether a missing browser must fail the run. */
export const browserRequired = (): boolean => process.env.CI === 'true';

/** A headless chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}
