// Coalesces concurrent reserve() calls of one process into batches, so a hot
// SKU costs one row lock and one round trip per batch instead of per order.
import type { Reservation } from '../../domain/inventory.js';
import { BatchQueue } from './batch-queue.js';
import type { PreparedReserve, ReserveOutcome } from './postgres-inventory.js';

/** Tuning of reservation batching. */
export interface ReserveBatchingOptions {
  /**
   * Most requests granted in one transaction.
   * @defaultValue 500
   */
  maxBatch?: number;
  /**
   * How long the first request of a batch waits for company, in milliseconds.
   * `0` sends as soon as the current tick ends; requests that arrive while a
   * batch is in flight form the next one anyway.
   * @defaultValue 0
   */
  maxWaitMs?: number;
}

/**
 * A queue of reserve requests drained in batches, at most `maxInFlight` at a
 * time. When a batch fails as a whole (a lost connection, say), each of its
 * requests is sent again alone, so that one failure cannot take the others
 * down; that is safe even when the lost batch committed, because a reserve
 * repeated with its `opId` changes nothing and answers the same reservation.
 */
export class ReserveQueue {
  private readonly queue: BatchQueue<PreparedReserve, Extract<ReserveOutcome, { ok: true }>>;

  constructor(run: (batch: readonly PreparedReserve[]) => Promise<ReserveOutcome[]>, options: ReserveBatchingOptions, maxInFlight: number) {
    this.queue = new BatchQueue(run, {
      maxBatch: Math.max(1, Math.floor(options.maxBatch ?? 500)),
      maxWaitMs: Math.max(0, options.maxWaitMs ?? 0),
      maxInFlight,
      resendAlone: () => true,
      what: 'reserve batch',
    });
  }

  /** Queue a request; settles when its batch commits. */
  async push(prepared: PreparedReserve): Promise<Reservation> {
    return (await this.queue.push(prepared)).reservation;
  }

  /** Resolves once nothing is queued or in flight. */
  settled(): Promise<void> {
    return this.queue.settled();
  }
}
