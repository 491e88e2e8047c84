// Delivers outbox messages at least once: notifications to their notifier,
// events to `events.on` handlers; failures back off, then park.
import { isFulfillmentError } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { Notification } from '../ports/notifier.js';
import type { OutboxMessage } from '../ports/storage.js';
import { backoffMs, callAdapter } from './adapter-call.js';
import type { EngineContext } from './context.js';

/** Options of `outbox.dispatch`. */
export interface DispatchOptions {
  /** Messages claimed per round. @defaultValue 100 */
  batchSize?: number;
  /** How long a claimed message stays invisible to other dispatchers. @defaultValue 60000 */
  leaseMs?: number;
  /** Stop after this many messages. @defaultValue 10000 */
  maxMessages?: number;
}

/** What a dispatch did. */
export interface DispatchResult {
  delivered: number;
  /** Failed this time; will be retried after a backoff. */
  retrying: number;
  /** Given up on after `policy.outboxMaxAttempts` or a non-retryable error. */
  parked: number;
}

interface NotificationPayload {
  notifierId: string;
  notification: Notification;
}

/** Deliver due outbox messages. */
export async function dispatchOutbox(ctx: EngineContext, options: DispatchOptions = {}): Promise<DispatchResult> {
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxMessages = options.maxMessages ?? 10_000;
  const result: DispatchResult = { delivered: 0, retrying: 0, parked: 0 };
  let handled = 0;
  while (handled < maxMessages) {
    const batch = await ctx.storage.claimOutbox({ limit: Math.min(batchSize, maxMessages - handled), leaseMs, now: ctx.nowIso() });
    if (batch.length === 0) break;
    handled += batch.length;
    await Promise.all(batch.map((message) => deliver(ctx, message, result)));
    if (batch.length < batchSize) break;
  }
  return result;
}

async function deliver(ctx: EngineContext, message: OutboxMessage, result: DispatchResult): Promise<void> {
  try {
    if (message.topic === 'event') {
      ctx.bus.emit([message.payload as DomainEvent]);
    } else {
      const payload = message.payload as NotificationPayload;
      const notifier = ctx.notifiers.find((n) => n.id === payload.notifierId);
      if (!notifier) {
        await ctx.storage.failOutbox(message.id, { error: `notifier ${payload.notifierId} is not configured`, retryAt: null });
        result.parked++;
        return;
      }
      await callAdapter(`${notifier.id}.send`, { ...ctx.policy.retry, retries: 0 }, (o) => notifier.send(payload.notification, o));
    }
    await ctx.storage.ackOutbox(message.id);
    result.delivered++;
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    // The notifier port: a FulfillmentError marked not retryable parks at once;
    // any other throw (wrapped by callAdapter as ADAPTER_ERROR with the original as cause) is retried.
    const wrapped = isFulfillmentError(err, 'ADAPTER_ERROR') && err.cause !== undefined && !isFulfillmentError(err.cause);
    const permanent = isFulfillmentError(err) && !err.retryable && !wrapped;
    if (permanent || message.attempts >= ctx.policy.outboxMaxAttempts) {
      await ctx.storage.failOutbox(message.id, { error, retryAt: null });
      result.parked++;
    } else {
      const retryAt = new Date(ctx.clock.now().getTime() + backoffMs(1000, message.attempts)).toISOString();
      await ctx.storage.failOutbox(message.id, { error, retryAt });
      result.retrying++;
    }
  }
}
