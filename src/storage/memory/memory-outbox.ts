// The memory adapter's outbox: messages queued by when they become visible,
// so a claim pops due messages without scanning the ones waiting or parked.
// Of a stream only the oldest live message is queued; its successor joins the
// queue when it is acked or parked.
import { FulfillmentError } from '../../domain/errors.js';
import type { OutboxClaim, OutboxMessage, OutboxMessageInput, OutboxTopic } from '../../ports/storage.js';
import { instantMillis, invalidCall, requireInteger, requireText, toJsonText } from '../call-guards.js';
import { MinHeap } from './memory-min-heap.js';

/** A message as the memory outbox keeps it (payload as JSON text). */
export interface StoredMessage {
  id: string;
  topic: OutboxTopic;
  key: string;
  stream: string | null;
  payload: string;
  attempts: number;
  availableAt: string;
  createdAt: string;
  lastError: string | null;
  /** Epoch ms from which it may be claimed (its availability, or the end of its lease). */
  visibleAt: number;
  /** Arrival order, the tie-break for "oldest first". */
  seq: number;
  /** Bumped on every state change; queue entries with an older generation are stale. */
  generation: number;
  state: 'ready' | 'leased' | 'parked';
}

interface QueueEntry {
  visibleAt: number;
  seq: number;
  id: string;
  generation: number;
}

/** Outbox state of one memory store. */
export class MemoryOutbox {
  private readonly messages = new Map<string, StoredMessage>();
  // Keys stay after an ack so a late duplicate append is still skipped.
  private readonly keys = new Set<string>();
  private readonly leased = new Set<string>();
  private readonly queue = new MinHeap<QueueEntry>((a, b) => a.visibleAt < b.visibleAt || (a.visibleAt === b.visibleAt && a.seq < b.seq));
  // Live (unacked, unparked) message ids per stream, oldest first; only the head is queued.
  private readonly streams = new Map<string, string[]>();
  private parked = 0;
  private seq = 0;
  /** Queue entries popped by claims so far; tests use it to check cost stays flat. */
  visited = 0;

  constructor(private readonly createId: () => string) {}

  /** Validate and build messages without storing them; keys already known (or repeated in the batch) are dropped. */
  prepare(inputs: readonly OutboxMessageInput[], at: string): StoredMessage[] {
    if (!Array.isArray(inputs)) throw invalidCall('outbox messages must be an array');
    const now = instantMillis(at, 'at');
    const batchKeys = new Set<string>();
    const prepared: StoredMessage[] = [];
    for (const input of inputs) {
      if (input.topic !== 'notification' && input.topic !== 'event' && input.topic !== 'relay' && input.topic !== 'action') {
        throw invalidCall(`outbox topic must be "notification", "event", "relay" or "action" (got ${String(input.topic)})`, { key: input.key });
      }
      requireText(input.key, 'outbox key');
      if (input.stream !== undefined) requireText(input.stream, 'outbox stream');
      const availableAt = input.availableAt ?? at;
      const visibleAt = input.availableAt === undefined ? now : instantMillis(input.availableAt, 'availableAt');
      const payload = toJsonText(input.payload, `outbox payload of ${input.key}`);
      if (this.keys.has(input.key) || batchKeys.has(input.key)) continue;
      batchKeys.add(input.key);
      prepared.push({
        id: this.createId(),
        topic: input.topic,
        key: input.key,
        stream: input.stream ?? null,
        payload,
        attempts: 0,
        availableAt,
        createdAt: at,
        lastError: null,
        visibleAt,
        seq: 0,
        generation: 0,
        state: 'ready',
      });
    }
    return prepared;
  }

  /** Store messages from {@link MemoryOutbox.prepare}. Never throws. */
  commit(prepared: readonly StoredMessage[]): void {
    for (const message of prepared) {
      if (this.keys.has(message.key)) continue;
      message.seq = ++this.seq;
      this.keys.add(message.key);
      this.messages.set(message.id, message);
      if (message.stream === null) {
        this.enqueue(message);
        continue;
      }
      const live = this.streams.get(message.stream);
      if (live === undefined) {
        this.streams.set(message.stream, [message.id]);
        this.enqueue(message);
      } else {
        live.push(message.id);
      }
    }
  }

  /** Lease up to `limit` due messages, oldest first. */
  claim(input: { limit: number; leaseMs: number; now: string }): OutboxMessage[] {
    requireInteger(input.limit, 'limit', 0);
    if (!Number.isFinite(input.leaseMs) || input.leaseMs < 0) throw invalidCall('leaseMs must be a non-negative number', { leaseMs: input.leaseMs });
    const now = instantMillis(input.now, 'now');
    const claimed: StoredMessage[] = [];
    while (claimed.length < input.limit) {
      const head = this.queue.peek();
      if (head === undefined || head.visibleAt > now) break;
      this.queue.pop();
      this.visited++;
      const message = this.messages.get(head.id);
      if (message === undefined || message.generation !== head.generation) continue;
      message.attempts++;
      message.state = 'leased';
      message.visibleAt = now + input.leaseMs;
      message.generation++;
      this.leased.add(message.id);
      claimed.push(message);
    }
    // Requeued only after the loop, so a zero-length lease cannot be claimed twice in one call.
    for (const message of claimed) this.enqueue(message);
    return claimed.map(outboxView);
  }

  /** Remove a message for good, when `claim` is its latest lease; otherwise (already acked, claimed again) change nothing. */
  ack(claim: OutboxClaim): boolean {
    const message = this.current(claim);
    if (message === undefined) return false;
    const id = message.id;
    this.leaveStream(message);
    this.leased.delete(id);
    this.messages.delete(id);
    return true;
  }

  private current(claim: OutboxClaim): StoredMessage | undefined {
    if (claim === null || typeof claim !== 'object') throw invalidCall('An outbox ack or failure needs the claim { id, lease }');
    const message = this.messages.get(claim.id);
    if (message === undefined || message.state !== 'leased' || leaseOf(message) !== claim.lease) return undefined;
    return message;
  }

  /** Record a failed delivery; requeue at `retryAt` or park when it is `null`. */
  fail(claim: OutboxClaim, input: { error: string; retryAt: string | null }): boolean {
    const retryAt = input.retryAt === null ? null : instantMillis(input.retryAt, 'retryAt');
    const message = this.current(claim);
    if (message === undefined) {
      if (!this.messages.has(claim.id)) throw new FulfillmentError('NOT_FOUND', `Outbox message ${claim.id} not found`, { details: { id: claim.id } });
      return false;
    }
    const id = message.id;
    this.leased.delete(id);
    message.lastError = String(input.error);
    message.generation++;
    if (retryAt === null) {
      this.parked++;
      this.leaveStream(message);
      message.state = 'parked';
      return true;
    }
    message.state = 'ready';
    message.availableAt = input.retryAt as string;
    message.visibleAt = retryAt;
    this.enqueue(message);
    return true;
  }

  /** Unacked messages by state at `now`; O(leased), not O(messages). */
  stats(now: string): { pending: number; leased: number; parked: number } {
    const at = instantMillis(now, 'now');
    let leased = 0;
    for (const id of this.leased) {
      const message = this.messages.get(id);
      if (message !== undefined && message.visibleAt > at) leased++;
    }
    return { pending: this.messages.size - this.parked - leased, leased, parked: this.parked };
  }

  /** Messages stored (not acked). */
  get size(): number {
    return this.messages.size;
  }

  // Drop a message that is acked or parked from its stream and queue the next one.
  private leaveStream(message: StoredMessage): void {
    if (message.stream === null) return;
    const live = this.streams.get(message.stream);
    if (live === undefined) return;
    const at = live.indexOf(message.id);
    if (at >= 0) live.splice(at, 1);
    const head = live[0];
    if (head === undefined) {
      this.streams.delete(message.stream);
      return;
    }
    if (at === 0) {
      const next = this.messages.get(head);
      if (next !== undefined) this.enqueue(next);
    }
  }

  private enqueue(message: StoredMessage): void {
    this.queue.push({ visibleAt: message.visibleAt, seq: message.seq, id: message.id, generation: message.generation });
  }
}

/** The caller's copy of a stored message. */
function outboxView(message: StoredMessage): OutboxMessage {
  return {
    id: message.id,
    topic: message.topic,
    key: message.key,
    stream: message.stream,
    payload: JSON.parse(message.payload) as unknown,
    attempts: message.attempts,
    availableAt: message.availableAt,
    createdAt: message.createdAt,
    lastError: message.lastError,
    lease: leaseOf(message),
  };
}

// Each claim counts an attempt, so the count names the claim.
function leaseOf(message: StoredMessage): string {
  return String(message.attempts);
}
