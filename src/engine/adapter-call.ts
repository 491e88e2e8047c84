// Every adapter call goes through here: a timeout, and bounded retries with
// exponential backoff for failures the adapter marks retryable.
import { FulfillmentError, isFulfillmentError } from '../domain/errors.js';
import type { RetryPolicy } from './config.js';

/** What every attempt hands the adapter: a signal that aborts when the attempt's time is up. */
export interface AttemptOptions {
  signal: AbortSignal;
}

/**
 * Run `operation` with a timeout, retrying retryable failures. Each attempt
 * gets its own `signal`, aborted when `policy.timeoutMs` expires, for the
 * adapter to pass to its HTTP client. Errors that are not `FulfillmentError`s
 * become `ADAPTER_ERROR` with the original as `cause`.
 */
export async function callAdapter<T>(label: string, policy: RetryPolicy, operation: (options: AttemptOptions) => Promise<T>): Promise<T> {
  let attempt = 0;
  for (;;) {
    try {
      // `operation` starts synchronously inside withTimeout, so an instrumented adapter reads its attempt number there.
      attemptStarting = attempt + 1;
      const pending = withTimeout(label, policy.timeoutMs, operation);
      attemptStarting = 1;
      return await pending;
    } catch (err) {
      const error = asFulfillmentError(label, err);
      if (!error.retryable || attempt >= policy.retries) throw error;
      attempt += 1;
      await sleep(backoffMs(policy.baseDelayMs, attempt));
    }
  }
}

let attemptStarting = 1;

/** The attempt number (1 = first try) of the adapter call starting right now; 1 outside `callAdapter`. */
export function currentAttempt(): number {
  return attemptStarting;
}

/** Backoff for the n-th retry: doubling, capped, with ±25 % jitter. */
export function backoffMs(baseDelayMs: number, attempt: number, capMs = 30_000): number {
  const raw = Math.min(capMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(raw * (0.75 + Math.random() * 0.5));
}

function asFulfillmentError(label: string, err: unknown): FulfillmentError {
  if (isFulfillmentError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new FulfillmentError('ADAPTER_ERROR', `${label} failed: ${message}`, { cause: err, retryable: false });
}

async function withTimeout<T>(label: string, timeoutMs: number, operation: (options: AttemptOptions) => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Made when the adapter first reads `signal`: most calls (sandboxes, caches) never do, and a signal costs.
  let controller: AbortController | null = null;
  let timedOut: FulfillmentError | null = null;
  const options: AttemptOptions = {
    get signal() {
      if (controller === null) {
        controller = new AbortController();
        if (timedOut !== null) controller.abort(timedOut);
      }
      return controller.signal;
    },
  };
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new FulfillmentError('ADAPTER_ERROR', `${label} timed out after ${timeoutMs} ms`, {
        retryable: true,
        details: { timeoutMs, operation: label },
      });
      timedOut = error;
      reject(error);
      // The engine has stopped waiting: the adapter's own request stops too.
      controller?.abort(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([operation(options), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
