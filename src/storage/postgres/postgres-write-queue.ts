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
    /** Whether a batch's failure proves that nothing of it was committed. */
    private readonly rolledBack: (error: unknown) => boolean,
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
      if (batch.length === 1 || !this.rolledBack(error)) {
        for (const w of batch) w.reject(error);
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
