// Coalesces concurrent point reads of one process (an order by id, an order id
// by lookup key) into one statement: webhooks from many senders each read one
// order, and every statement costs a round trip and a parse on both sides.

interface Waiting<R> {
  key: string;
  resolve: (row: R | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Collects the keys asked for while `maxInFlight` reads are already out (or
 * during one tick) and reads them with a single statement that returns one
 * row per request (`n`, its 1-based position), so two callers asking for the
 * same key never share a parsed object. Each read still happens after its
 * call and before its answer, so it sees committed data no older than a lone
 * query would.
 */
export class ReadLoader<R> {
  private waiting: Waiting<R>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly read: (keys: string[]) => Promise<(R & { n: number | string })[]>,
    private readonly maxInFlight: number,
  ) {}

  /** The row for `key`, or `undefined` when there is none. */
  load(key: string): Promise<R | undefined> {
    return new Promise<R | undefined>((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      if (!this.scheduled && this.inFlight < this.maxInFlight) {
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    if (this.waiting.length === 0 || this.inFlight >= this.maxInFlight) return;
    const batch = this.waiting;
    this.waiting = [];
    this.inFlight++;
    this.read(batch.map((w) => w.key))
      .then(
        (rows) => {
          const found: (R | undefined)[] = new Array(batch.length);
          for (const row of rows) found[Number(row.n) - 1] = row;
          for (const [i, w] of batch.entries()) w.resolve(found[i]);
        },
        (error: unknown) => {
          for (const w of batch) w.reject(error);
        },
      )
      .finally(() => {
        this.inFlight--;
        this.flush();
      });
  }
}
