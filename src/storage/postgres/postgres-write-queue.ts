// Coalesces concurrent createOrder/updateOrder calls of one process into one
// `write_orders` statement per batch: one round trip and one commit for many
// writes, each still applied all or nothing with its own outcome.

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
export type WriteOutcome = { ok: true } | { ok: false; error: unknown };

/** The subtransaction cache of a PostgreSQL backend (PGPROC_MAX_CACHED_SUBXIDS). */
const MAX_SUBTRANSACTIONS = 64;

interface Waiting<W> {
  write: W;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * A queue of order writes drained in batches, at most `maxInFlight` at a time.
 * When a batch fails as a whole (a lost connection, a deadlock with another
 * process), nothing of it was committed, and each of its writes is sent again
 * alone, so a failure reaches only the writes it belongs to.
 */
export class OrderWriteQueue<W> {
  private waiting: Waiting<W>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxWaitMs: number;
  private idle: (() => void)[] = [];

  constructor(
    private readonly run: (batch: readonly W[]) => Promise<WriteOutcome[]>,
    options: OrderWriteBatchingOptions,
    private readonly maxInFlight: number,
  ) {
    this.maxBatch = Math.min(MAX_SUBTRANSACTIONS, Math.max(1, Math.floor(options.maxBatch ?? 32)));
    this.maxWaitMs = Math.max(0, options.maxWaitMs ?? 0);
  }

  /** Queue a write; settles once its batch committed (or failed for it). */
  push(write: W): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ write, resolve, reject });
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

  private async send(batch: Waiting<W>[]): Promise<void> {
    let outcomes: WriteOutcome[];
    try {
      outcomes = await this.run(batch.map((w) => w.write));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // Alone, one after another: the failure belongs to whichever writes still fail.
      for (const w of batch) await this.send([w]);
      return;
    }
    batch.forEach((w, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) w.resolve();
      else w.reject(outcome === undefined ? new Error('order write batch lost a write') : outcome.error);
    });
  }
}
