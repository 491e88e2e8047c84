// The shape shared by the carrier, payment and notifier kits: named checks
// that run against one adapter, callable directly or registered with vitest.
import { describe } from './runner.js';
import { type ConformanceOptions, registerConformanceTest } from './describe-options.js';

/** One named conformance check. The part of the name before `:` is the port member it covers. */
export interface AdapterCheck<A, O> {
  name: string;
  /** Why the check does not apply (a capability the adapter lacks, a hook not given), or `null`. */
  skipReason?(adapter: A, options: O): string | null;
  /** Resolve when the adapter behaves; reject with an assertion error naming the broken promise otherwise. */
  run(adapter: A, options: O): Promise<void>;
}

/**
 * Run one check by name against an adapter, outside any test registration.
 * Rejects when the check fails, and also when it does not apply, so a caller
 * never mistakes a skipped check for a passed one.
 *
 * @example
 * ```ts
 * await expect(runAdapterCheck(carrierConformanceChecks, 'parseWebhook: rejects a forged signature', carrier, options)).rejects.toThrow();
 * ```
 */
export async function runAdapterCheck<A, O>(checks: readonly AdapterCheck<A, O>[], name: string, adapter: A, options: O): Promise<void> {
  const check = checks.find((c) => c.name === name);
  if (check === undefined) throw new Error(`No conformance check named "${name}"`);
  const reason = check.skipReason?.(adapter, options) ?? null;
  if (reason !== null) throw new Error(`Check "${name}" does not apply: ${reason}`);
  await check.run(adapter, options);
}

/**
 * Register every check as a vitest test inside `describe(title)`, each with a
 * fresh adapter from `factory`; checks that do not apply are reported as skipped.
 *
 * @example
 * ```ts
 * describeAdapterChecks('carrier: sandbox', carrierConformanceChecks, () => sandboxCarrier(), options);
 * ```
 */
export function describeAdapterChecks<A, O extends ConformanceOptions>(
  title: string,
  checks: readonly AdapterCheck<A, O>[],
  factory: () => A | Promise<A>,
  options: O,
): void {
  describe(title, () => {
    for (const check of checks) {
      registerConformanceTest(
        check.name,
        async ({ skip }) => {
          const adapter = await factory();
          const reason = check.skipReason?.(adapter, options) ?? null;
          if (reason !== null) skip(reason);
          await check.run(adapter, options);
        },
        options,
      );
    }
  });
}

/**
 * Expect `promise` to reject with a fulfillkit error of `code` (compared by
 * `code`, so errors from another copy of the library still count). Resolves
 * with the error; fails with `accepted` as the message when it resolves.
 */
export async function expectErrorCode(
  promise: Promise<unknown>,
  code: string,
  accepted: string,
): Promise<{ code: string; retryable?: boolean; details?: Record<string, unknown> }> {
  let outcome: { resolved: true } | { resolved: false; error: unknown };
  try {
    await promise;
    outcome = { resolved: true };
  } catch (error) {
    outcome = { resolved: false, error };
  }
  if (outcome.resolved) throw new Error(accepted);
  const error = outcome.error as { code?: unknown; message?: unknown };
  if (error?.code !== code) {
    throw new Error(`${accepted}: expected error code ${code}, got ${String(error?.code)} (${String(error?.message)})`, {
      cause: outcome.error,
    });
  }
  return error as { code: string; retryable?: boolean; details?: Record<string, unknown> };
}

/**
 * How the kit makes your adapter's backend misbehave on its next request
 * (through your fake HTTP server or stubbed client):
 * - `server_error`: a 5xx answer; `rate_limited`: a 429; `timeout`: no answer in time;
 *   `network_error`: the connection fails — all four must be thrown as retryable;
 * - `client_error`: a 4xx (bad request, unknown id) — a final, non-retryable failure;
 * - `error_body`: "200 OK" whose body is an error object — never a label or a capture;
 * - `lost_reply`: the backend does the work but the reply never arrives (a timeout
 *   after the effect) — thrown as retryable, and a retry under the same
 *   idempotency key must return that same label or capture, not a second one.
 */
export type BackendFault = 'server_error' | 'rate_limited' | 'timeout' | 'network_error' | 'client_error' | 'error_body' | 'lost_reply';

/**
 * The faults that must reach the engine as retryable errors.
 *
 * @example
 * ```ts
 * for (const fault of RETRYABLE_FAULTS) fake.failNext(fault);
 * ```
 */
export const RETRYABLE_FAULTS: readonly BackendFault[] = ['server_error', 'rate_limited', 'timeout', 'network_error'];

/**
 * Check `value` against `schema`; on failure, throw an assertion error naming
 * every field that is wrong (`label is invalid: trackingNumber: Too small...`).
 */
export function expectValid(schema: { safeParse(value: unknown): { success: boolean; error?: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } } }, value: unknown, what: string): void {
  const parsed = schema.safeParse(value);
  if (parsed.success) return;
  const issues = (parsed.error?.issues ?? [])
    .slice(0, 8)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  const shown = JSON.stringify(value) ?? String(value);
  throw new Error(`${what} is invalid: ${issues} — got ${shown.length > 500 ? `${shown.slice(0, 500)}…` : shown}`);
}

/** Call `promise`, expecting a rejection; resolve with the error, or throw `accepted` when it resolves. */
export async function expectRejection(promise: Promise<unknown>, accepted: string): Promise<{ code?: unknown; retryable?: unknown; message?: unknown; details?: Record<string, unknown> }> {
  let resolved = false;
  let value: unknown;
  try {
    value = await promise;
    resolved = true;
  } catch (error) {
    return (error ?? {}) as { code?: unknown; retryable?: unknown };
  }
  if (resolved) {
    const shown = JSON.stringify(value) ?? String(value);
    throw new Error(`${accepted} — it answered ${shown.length > 300 ? `${shown.slice(0, 300)}…` : shown}`);
  }
  throw new Error('unreachable');
}
