// Delivers outbox messages at least once: notifications to their notifier,
// events to `events.on` handlers and the relay, host actions to the host's
// implementation; failures back off, then park.
// Relay messages are retried without limit (only a permanent rejection parks
// one), and the store holds an order's later events back until then.
import { FulfillmentError, isFulfillmentError } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { Notification } from '../ports/notifier.js';
import type { OutboxMessage } from '../ports/storage.js';
import type { RelayPayload } from '../relay/relay-outbox.js';
import { backoffMs, callAdapter } from './adapter-call.js';
import type { EngineContext } from './context.js';
import { runHostAction } from './host-actions.js';

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
    // A short batch means nothing else is due, unless acking a stream's head just made its successor due.
    if (batch.length < batchSize && !batch.some((m) => m.stream !== null)) break;
  }
  return result;
}

async function deliver(ctx: EngineContext, message: OutboxMessage, result: DispatchResult): Promise<void> {
  try {
    if (message.topic === 'relay') {
      await publish(ctx, message);
    } else if (message.topic === 'event') {
      await publish(ctx, message);
      ctx.bus.emit([message.payload as DomainEvent]);
    } else if (message.topic === 'action') {
      const undeliverable = await runHostAction(ctx, message);
      if (undeliverable !== null) {
        await ctx.storage.failOutbox(message, { error: undeliverable, retryAt: null });
        result.parked++;
        report(ctx, message, 'parked');
        return;
      }
    } else {
      const payload = message.payload as NotificationPayload;
      const notifier = ctx.notifiers.find((n) => n.id === payload.notifierId);
      if (!notifier) {
        await ctx.storage.failOutbox(message, { error: `notifier ${payload.notifierId} is not configured`, retryAt: null });
        result.parked++;
        return;
      }
      await callAdapter(`${notifier.id}.send`, { ...ctx.policy.retry, retries: 0 }, (o) => notifier.send(payload.notification, o));
    }
    await ctx.storage.ackOutbox(message);
    result.delivered++;
    report(ctx, message, 'delivered');
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    const permanent = isPermanent(err);
    // Whatever waits for the relay is never given up on for being slow: a broker outage must not lose events.
    const forRelay = message.topic === 'relay' || (message.topic === 'event' && ctx.relay !== null);
    const exhausted = !forRelay && message.attempts >= ctx.policy.outboxMaxAttempts;
    if (permanent || exhausted) {
      await ctx.storage.failOutbox(message, { error, retryAt: null });
      result.parked++;
      report(ctx, message, 'parked');
    } else {
      const retryAt = new Date(ctx.clock.now().getTime() + backoffMs(1000, message.attempts)).toISOString();
      await ctx.storage.failOutbox(message, { error, retryAt });
      result.retrying++;
      report(ctx, message, 'retrying');
    }
  }
}

// Relay messages (the events of one order write) always go to the relay, one
// event after the other; `event` messages (stock alerts) go to it too when there is one.
async function publish(ctx: EngineContext, message: OutboxMessage): Promise<void> {
  const relay = ctx.relay;
  if (relay === null) {
    if (message.topic === 'relay') throw new FulfillmentError('CONFIGURATION_ERROR', 'no relay is configured', { retryable: true });
    return;
  }
  const events = message.topic === 'relay' ? (message.payload as RelayPayload).events : [message.payload as DomainEvent];
  const progress = relayProgress(ctx);
  // Events of this message the broker already took, when this process tried it before.
  for (let i = progress.get(message.id) ?? 0; i < events.length; i++) {
    const event = events[i] as DomainEvent;
    try {
      await callAdapter(`${relay.id}.publish`, { ...ctx.policy.retry, retries: 0 }, () => relay.publish(event));
    } catch (err) {
      // One event the broker will never take must not hold back the rest of its write:
      // it moves to a message of its own (which parks), and the others go on.
      if (events.length === 1 || !isPermanent(err)) {
        if (i > 0) rememberProgress(progress, message.id, i);
        throw err;
      }
      await ctx.storage.appendOutbox([{ topic: 'relay', key: `relay:refused:${event.id}`, payload: { events: [event] } }], ctx.nowIso());
    }
  }
  progress.delete(message.id);
}

// Per engine: how far each partly published relay message got, so a retry in
// this process resumes there instead of repeating what the broker has. Bounded;
// a message retried elsewhere (or forgotten) starts again from its first event.
const PROGRESS_LIMIT = 10_000;
const progressByEngine = new WeakMap<EngineContext, Map<string, number>>();

function relayProgress(ctx: EngineContext): Map<string, number> {
  let progress = progressByEngine.get(ctx);
  if (progress === undefined) progressByEngine.set(ctx, (progress = new Map()));
  return progress;
}

function rememberProgress(progress: Map<string, number>, messageId: string, published: number): void {
  if (progress.size >= PROGRESS_LIMIT) progress.delete(progress.keys().next().value as string);
  progress.set(messageId, published);
}

// The notifier and relay ports: a FulfillmentError marked not retryable is
// permanent; any other throw (wrapped by callAdapter as ADAPTER_ERROR with the
// original as cause) is worth retrying.
function isPermanent(err: unknown): boolean {
  const wrapped = isFulfillmentError(err, 'ADAPTER_ERROR') && err.cause !== undefined && !isFulfillmentError(err.cause);
  return isFulfillmentError(err) && !err.retryable && !wrapped;
}

function report(ctx: EngineContext, message: OutboxMessage, outcome: 'delivered' | 'retrying' | 'parked'): void {
  const hook = ctx.instrumentation?.outboxDelivery;
  if (!hook) return;
  const lagMs = ctx.clock.now().getTime() - Date.parse(message.createdAt);
  hook({ topic: message.topic, outcome, attempts: message.attempts, lagMs });
}
