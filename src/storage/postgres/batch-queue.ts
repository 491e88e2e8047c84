// The batching both coalescing queues share: concurrent calls of one process
// wait for the current tick (or `maxWaitMs`) and go out together, at most
// `maxInFlight` batches at a time; each caller settles with its own outcome.

/** One request's result within its batch: done (with what it produced), or its own error. */
export type BatchOutcome<O extends { ok: true }> = O | { ok: false; error: unknown };

interface Waiting<T, O> {
  item: T;
  resolve: (outcome: O) => void;
  reject: (error: unknown) => void;
}

/** How a {@link BatchQueue} forms and sends its batches. */
export interface BatchQueueSettings {
  maxBatch: number;
  maxWaitMs: number;
  maxInFlight: number;
  /**
   * Whether a failure of a whole batch proves that sending each of its
   * requests again alone is safe (nothing of it took effect, or each request
   * is idempotent). When it does not, every request of the batch gets the error.
   */
  resendAlone: (error: unknown) => boolean;
  /** Names the batch in the error a request gets when the answer has no outcome for it. */
  what: string;
}

/** A queue of requests drained in batches by `run`, which answers one outcome per request, in order. */
export class BatchQueue<T, O extends { ok: true }> {
  private waiting: Waiting<T, O>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly run: (batch: readonly T[]) => Promise<BatchOutcome<O>[]>,
    private readonly settings: BatchQueueSettings,
  ) {}

  /** Queue a request; settles once its batch has been answered. */
  push(item: T): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length >= this.settings.maxBatch) this.drain();
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
    if (this.settings.maxWaitMs > 0) setTimeout(fire, this.settings.maxWaitMs);
    else queueMicrotask(fire);
  }

  private drain(): void {
    while (this.waiting.length > 0 && this.inFlight < this.settings.maxInFlight) {
      const batch = this.waiting.splice(0, this.settings.maxBatch);
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.drain();
        if (this.inFlight === 0 && this.waiting.length === 0) for (const done of this.idle.splice(0)) done();
      });
    }
  }

  private async send(batch: Waiting<T, O>[]): Promise<void> {
    let outcomes: BatchOutcome<O>[];
    try {
      outcomes = await this.run(batch.map((w) => w.item));
    } catch (error) {
      if (batch.length === 1 || !this.settings.resendAlone(error)) {
        for (const w of batch) w.reject(error);
        return;
      }
      // Alone, one after another: the failure belongs to whichever requests still fail.
      for (const w of batch) await this.send([w]);
      return;
    }
    batch.forEach((w, i) => {
      const outcome = outcomes[i];
      if (outcome === undefined) w.reject(new Error(`${this.settings.what} lost a request`));
      else if (outcome.ok) w.resolve(outcome);
      else w.reject(outcome.error);
    });
  }
}
