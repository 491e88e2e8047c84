// Fault injection shared by the sandbox adapters: scripted outages, timeouts,
// refusals and "late" answers (the effect happened, the reply was lost).

/** Operations of the sandbox carrier that faults can target. */
export type SandboxCarrierOperation = 'getRates' | 'createShipment' | 'voidShipment' | 'track' | 'parseWebhook';

/**
 * What goes wrong with one call, as a remote provider would fail it:
 * `timeout`, `error` (a 5xx), `rate_limited` (a 429) and `network` (the
 * connection dropped) fail retryably before any effect; `rejected` (a 4xx)
 * fails for good; `error_body` is a "200 OK" whose body is an error, refused
 * as a non-retryable failure with `details.reason: 'error_body'`; `late`
 * performs the effect and then times out (a retry under the same idempotency
 * key must return the same result); `null` lets the call through.
 */
export type SandboxFault = 'timeout' | 'error' | 'rate_limited' | 'network' | 'rejected' | 'error_body' | 'late' | null;

/** Fault-injection knobs of the sandbox adapters. */
export interface SandboxFaultOptions<Operation extends string> {
  /**
   * Make the first N calls of an operation fail with a retryable error, or every call with `'always'`.
   * @defaultValue no failures
   */
  failures?: Partial<Record<Operation, number | 'always'>>;
  /**
   * Decide the fate of each call; `attempt` counts calls of that operation on this adapter, from 1.
   * @defaultValue no faults
   */
  fault?: (operation: Operation, attempt: number) => SandboxFault;
  /**
   * Delay every call by this many milliseconds.
   * @defaultValue 0
   */
  latencyMs?: number;
}

/** Why an injected fault failed a call. */
export type SandboxFaultReason = 'timeout' | 'unavailable' | 'rate_limited' | 'network' | 'rejected' | 'error_body';

/** The gate every sandbox operation passes through. */
export interface SandboxFaultGate<Operation extends string> {
  /** Count the call, wait, and throw if it must fail before its effect. Resolves `true` for a late answer. */
  enter(operation: Operation): Promise<boolean>;
  /** After the effect: throw the lost-reply timeout of a late answer. */
  exit(operation: Operation, late: boolean): void;
  /** Fail the next call (of any operation) with `fault`; queued faults apply in order. */
  inject(fault: Exclude<SandboxFault, null>): void;
}

/**
 * Build the fault gate for an adapter from its options.
 *
 * @example
 * ```ts
 * const faults = sandboxFaults(options, (op, reason, retryable) => new CarrierError(reason, { carrierId, retryable }));
 * const late = await faults.enter('createShipment');
 * const label = buy();
 * faults.exit('createShipment', late);
 * ```
 */
export function sandboxFaults<Operation extends string>(
  options: SandboxFaultOptions<Operation>,
  toError: (operation: Operation, reason: SandboxFaultReason, retryable: boolean) => Error,
): SandboxFaultGate<Operation> {
  const attempts = new Map<Operation, number>();
  const queued: Exclude<SandboxFault, null>[] = [];
  return {
    inject(fault) {
      queued.push(fault);
    },
    async enter(operation) {
      const attempt = (attempts.get(operation) ?? 0) + 1;
      attempts.set(operation, attempt);
      if (options.latencyMs !== undefined && options.latencyMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
      }
      const budget = options.failures?.[operation];
      if (budget === 'always' || (typeof budget === 'number' && attempt <= budget)) {
        throw toError(operation, 'unavailable', true);
      }
      const fault = queued.shift() ?? options.fault?.(operation, attempt) ?? null;
      if (fault === 'timeout') throw toError(operation, 'timeout', true);
      if (fault === 'error') throw toError(operation, 'unavailable', true);
      if (fault === 'rate_limited') throw toError(operation, 'rate_limited', true);
      if (fault === 'network') throw toError(operation, 'network', true);
      if (fault === 'rejected') throw toError(operation, 'rejected', false);
      if (fault === 'error_body') throw toError(operation, 'error_body', false);
      return fault === 'late';
    },
    exit(operation, late) {
      if (late) throw toError(operation, 'timeout', true);
    },
  };
}
