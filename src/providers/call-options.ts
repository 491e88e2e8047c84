// Deadlines for provider calls: the engine's AbortSignal becomes a retryable
// timeout, whether or not the underlying client can cancel its request.
import { FulfillmentError } from '../domain/errors.js';

/**
 * Settle with `work`, or reject with a retryable `ADAPTER_ERROR` as soon as
 * `signal` aborts. The request may still complete at the provider; every call
 * carries an idempotency key, so the retry that follows finds its result.
 */
export function raceSignal<T>(work: Promise<T>, signal: AbortSignal | undefined, provider: string): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(deadlineError(provider, signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(deadlineError(provider, signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** The error a call that ran past its deadline fails with. */
export function deadlineError(provider: string, signal: AbortSignal): FulfillmentError {
  return new FulfillmentError('ADAPTER_ERROR', `${provider}: the call ran past its deadline`, {
    retryable: true,
    cause: signal.reason,
    details: { provider, reason: 'timeout' },
  });
}
