// Coalesces concurrent createOrder/updateOrder calls of one process into one
// `write_orders` statement per batch: one round trip and one commit for many
// writes, each still applied all or nothing with its own outcome.
import { BatchQueue, type BatchOutcome } from './batch-queue.js';

/** Tuning of order-write batching. */
export interface OrderWriteBatchingOptions {
  /**
   * Most order writes sent in one statement. Each write runs in its own
   * subtransaction; PostgreSQL tracks up to 64 of them per transaction
   * cheaply, so larger batches are capped there.
   * @defaultValue 32
   */
  maxBatch?: number;
  /**
   * How long the first write of a batch waits for company, in milliseconds.
   * `0` sends as soon as the current tick ends; writes that arrive while a
   * batch is in flight form the next one anyway.
   * @defaultValue 0
   */
  maxWaitMs?: number;
}

/** What one write of a batch came to: done, or the error its caller gets. */
export type WriteOutcome = BatchOutcome<{ ok: true }>;

/** The subtransaction cache of a PostgreSQL backend (PGPROC_MAX_CACHED_SUBXIDS). */
const MAX_SUBTRANSACTIONS = 64;

/**
 * A queue of order writes drained in batches, at most `maxInFlight` at a time.
 * When the server refuses a batch as a whole (a deadlock with another process,
 * a value it cannot store, its backend terminated mid-statement), the statement
 * was rolled back, and each of its writes is sent again alone, so a failure
 * reaches only the writes it belongs to. When the answer is lost instead (the
 * socket closed, a client-side timeout), the batch may have committed: every
 * write of it gets the error, as a lone write would, and none is sent again —
 * a write applied twice, or reported as a conflict after it landed, would make
 * its caller apply a change twice.
 */
export class OrderWriteQueue<W> {
  private readonly queue: BatchQueue<W, { ok: true }>;

  constructor(run: (batch: readonly W[]) => Promise<WriteOutcome[]>, options: OrderWriteBatchingOptions, maxInFlight: number) {
    this.queue = new BatchQueue(run, {
      maxBatch: Math.min(MAX_SUBTRANSACTIONS, Math.max(1, Math.floor(options.maxBatch ?? 32))),
      maxWaitMs: Math.max(0, options.maxWaitMs ?? 0),
      maxInFlight,
      resendAlone: isServerRefusal,
      what: 'order write batch',
    });
  }

  /** Queue a write; settles once its batch committed (or failed for it). */
  async push(write: W): Promise<void> {
    await this.queue.push(write);
  }

  /** Resolves once nothing is queued or in flight. */
  settled(): Promise<void> {
    return this.queue.settled();
  }
}

/**
 * Whether a driver error is the server's answer to the statement (an
 * ErrorResponse with a SQLSTATE): a single statement outside a transaction
 * block that the server answered with an error committed nothing. Errors
 * without one (a closed socket, a client-side timeout) prove nothing.
 */
export function isServerRefusal(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}
