// Coalesces concurrent reserve() calls of one process into batches, so a hot
// SKU costs one row lock and one round trip per batch instead of per order.
import type { Reservation } from '../../domain/inventory.js';
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

interface Waiting {
  prepared: PreparedReserve;
  resolve: (reservation: Reservation) => void;
  reject: (error: unknown) => void;
}

/**
 * A queue of reserve requests drained in batches, at most `maxInFlight` at a
 * time. When a batch fails as a whole (a lost connection, say), each of its
 * requests is retried alone so that one failure cannot take the others down.
 */
export class ReserveQueue {
  private waiting: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxWaitMs: number;
  private idle: (() => void)[] = [];

  constructor(
    private readonly run: (batch: readonly PreparedReserve[]) => Promise<ReserveOutcome[]>,
    options: ReserveBatchingOptions,
    private readonly maxInFlight: number,
  ) {
    this.maxBatch = Math.max(1, Math.floor(options.maxBatch ?? 500));
    this.maxWaitMs = Math.max(0, options.maxWaitMs ?? 0);
  }

  /** Queue a request; settles when its batch commits. */
  push(prepared: PreparedReserve): Promise<Reservation> {
    return new Promise<Reservation>((resolve, reject) => {
      this.waiting.push({ prepared, resolve, reject });
      if (this.waiting.length >= this.maxBatch) this.drain();
      else this.schedule();
    });
  }

  /** Resolves once nothing is queued or in flight. */
  settled(): Promise<void> {
    if (this.inFlight === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const fire = () => {
      this.scheduled = false;
      this.drain();
    };
    if (this.maxWaitMs > 0) setTimeout(fire, this.maxWaitMs);
    else queueMicrotask(fire);
  }

  private drain(): void {
    while (this.waiting.length > 0 && this.inFlight < this.maxInFlight) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.drain();
        if (this.inFlight === 0 && this.waiting.length === 0) for (const done of this.idle.splice(0)) done();
      });
    }
  }

  private async send(batch: Waiting[]): Promise<void> {
    let outcomes: ReserveOutcome[];
    try {
      outcomes = await this.run(batch.map((w) => w.prepared));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // Alone, one after another: the failure belongs to whichever requests still fail.
      for (const w of batch) await this.send([w]);
      return;
    }
    batch.forEach((w, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) w.resolve(outcome.reservation);
      else w.reject(outcome === undefined ? new Error('reserve batch lost a request') : outcome.error);
    });
  }
}
