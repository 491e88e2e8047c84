// Intent first, then act: a command records the effects it decided on (with
// their idempotency keys) in the order's version-checked write, runs them from
// that record, and writes their outcomes back. The sweep resumes a pending
// intent through the same runner.
import { FulfillmentError, isFulfillmentError } from '../domain/errors.js';
import type { Effect, IntentCommand, OrderIntent } from '../domain/intent.js';
import type { Order } from '../domain/order.js';
import type { EngineContext } from './context.js';
import { compensationOf, executeEffect, isRefusal } from './effects.js';
import { collectHostActions, withHostActionMessages } from './host-actions.js';
import { indexUpdate } from './order-index.js';
export { INTENT_TAG } from './order-index.js';
import { type IntentHandler, type IntentWrite, holds, intentHandler } from './intent-registry.js';
import { type OrderChange, loadOrder, mutateOrder } from './order-writer.js';

export { type IntentHandler, type IntentWrite, intentHandler, registerIntentHandler } from './intent-registry.js';

/** A command's decision on the current order. */
export type Decision =
  /** Nothing to do: the work is done already. */
  | { kind: 'done' }
  /**
   * No external effect: write this change (the decider edited the order in place).
   * `alongside` allows it while another command's intent is pending (a tracking scan).
   */
  | { kind: 'write'; change: OrderChange; alongside?: boolean }
  /** Record this intent (plus in-place edits and `write`), then run it. */
  | {
      kind: 'intent';
      command: IntentCommand;
      target: string;
      fingerprint: string;
      effects: Effect[];
      data?: Record<string, unknown>;
      write?: IntentWrite;
      /** Id of an idle pending intent this one takes over (a cancellation after a failed ship). */
      supersedes?: string;
    };

/** The pending intent of an order, if any. */
export function pendingIntent(order: Order): OrderIntent | null {
  return order.intent ?? null;
}

/** `CONCURRENCY_CONFLICT` for a command that meets another command's pending intent. */
export function intentConflict(order: Order, intent: OrderIntent): FulfillmentError {
  return new FulfillmentError(
    'CONCURRENCY_CONFLICT',
    `Order ${order.id} is busy: a ${intent.command} of ${intent.target} is in progress; retry when it has finished`,
    { retryable: true, details: { orderId: order.id, intent: { id: intent.id, command: intent.command, target: intent.target, startedAt: intent.startedAt } } },
  );
}

/** Refuse a plain write while another command's effects are in flight. */
export function assertNoIntent(order: Order): void {
  const intent = pendingIntent(order);
  if (intent) throw intentConflict(order, intent);
}

const MAX_ATTEMPTS = 8;
/** Intents any command may finish before acting itself: they block nothing a caller chose. */
const PREREQUISITES: ReadonlySet<IntentCommand> = new Set(['capture']);

/** Resume an order's pending intent through its own handler. */
export function resumeIntent(ctx: EngineContext, order: Order): Promise<Order> {
  const intent = pendingIntent(order);
  if (!intent) return Promise.resolve(order);
  return joinIntent(ctx, order, intent, intentHandler(intent.command));
}

/**
 * Decide on the current order and act. `decide` may run more than once (after
 * a version conflict, with `retry` true) and must not call adapters. When the
 * order carries a pending intent for the same command, target and input, this
 * call joins it; any other pending intent is a `CONCURRENCY_CONFLICT`.
 */
export async function act(
  ctx: EngineContext,
  orderId: string,
  decide: (order: Order, retry: boolean) => Decision,
  handler: IntentHandler,
  preloaded?: Order,
): Promise<Order> {
  let current = preloaded ?? (await loadOrder(ctx, orderId));
  for (let attempt = 1; ; attempt++) {
    let pending = pendingIntent(current);
    if (pending && PREREQUISITES.has(pending.command) && handler !== intentHandler(pending.command)) {
      current = await resumeIntent(ctx, current);
      pending = pendingIntent(current);
    }
    const { value: decision, actions: decided } = collectHostActions(ctx, () => decide(current, attempt > 1));
    if (decision.kind === 'done') return current;
    const takesOver = decision.kind === 'intent' && pending !== null && decision.supersedes === pending.id;
    if (pending && !takesOver && !(decision.kind === 'write' && decision.alongside)) {
      if (decision.kind === 'intent' && pending.command === decision.command && pending.target === decision.target && pending.fingerprint === decision.fingerprint) {
        return joinIntent(ctx, current, pending, handler);
      }
      throw intentConflict(current, pending);
    }
    let intent: OrderIntent | null = null;
    let change: OrderChange;
    if (decision.kind === 'write') change = decision.change;
    else if (decision.effects.length === 0) {
      // Nothing external to do: finish in this very write.
      const inline: OrderIntent = { id: '', command: decision.command, target: decision.target, fingerprint: decision.fingerprint, effects: [], data: decision.data ?? {}, startedAt: ctx.nowIso() };
      const { value: write, actions: finishing } = collectHostActions(ctx, () => handler.finish(ctx, current, inline, []));
      decided.push(...finishing);
      change = { order: current, ...decision.write, ...write, events: [...(decision.write?.events ?? []), ...(write.events ?? [])], outbox: [...(decision.write?.outbox ?? []), ...(write.outbox ?? [])] };
    } else {
      intent = {
        id: ctx.id('int'),
        command: decision.command,
        target: decision.target,
        fingerprint: decision.fingerprint,
        effects: decision.effects,
        data: decision.data ?? {},
        startedAt: ctx.nowIso(),
      };
      current.intent = intent;
      change = { order: current, ...decision.write };
    }
    const next: Order = { ...change.order, version: current.version + 1, updatedAt: ctx.nowIso() };
    const { written, ...index } = indexUpdate(current, next);
    try {
      await ctx.storage.updateOrder(
        {
          order: next,
          ...index,
          events: change.events,
          outbox: withHostActionMessages(change.outbox, next.id, next.version, decided),
          reservationExpiry: change.reservationExpiry,
        },
        current.version,
      );
    } catch (err) {
      if (!isFulfillmentError(err, 'CONCURRENCY_CONFLICT') || attempt >= MAX_ATTEMPTS) throw err;
      current = await loadOrder(ctx, orderId);
      continue;
    }
    written();
    if (change.events?.length) ctx.bus.emit(change.events);
    return intent ? runIntent(ctx, next, intent, handler) : next;
  }
}

/**
 * Run a recorded intent's effects in order, then write the outcomes and clear
 * it. An effect refused for good undoes the completed ones it can and clears
 * the intent (the command then fails with the refusal); an effect whose
 * outcome is unknown (timeout, outage) leaves the intent pending for a retry
 * of the same command or the sweep.
 */
export async function runIntent(ctx: EngineContext, order: Order, intent: OrderIntent, handler: IntentHandler): Promise<Order> {
  const outcomes: unknown[] = [];
  for (const [i, effect] of intent.effects.entries()) {
    try {
      outcomes.push(await executeEffect(ctx, order, effect));
    } catch (err) {
      if (!isRefusal(err)) {
        await stall(ctx, order.id, intent, i, err);
        throw err;
      }
      const taken = await abandon(ctx, order, intent, handler, outcomes, i);
      // Another call holds the intent now (this runner's lease lapsed): its outcome is that call's.
      if (taken?.intent) throw intentConflict(taken, taken.intent);
      throw err;
    }
  }
  let next: OrderIntent | null = null;
  // Start from the order as this runner wrote it, not a fresh read: it is current unless another
  // command wrote meanwhile, and then the version check refuses the write and mutateOrder rereads.
  const finished = await mutateOrder(
    ctx,
    order.id,
    (current) => {
      next = null;
      if (current.intent?.id !== intent.id) return null; // finished by a joined call or the sweep
      const { next: continuation, ...write } = handler.finish(ctx, current, intent, outcomes);
      next = continuation ?? null;
      current.intent = next;
      return { order: current, ...write };
    },
    order,
  );
  // The continuation was recorded by this runner's write: this runner runs it.
  const continuation = next as OrderIntent | null;
  return continuation ? runIntent(ctx, finished, continuation, intentHandler(continuation.command)) : finished;
}

/** Whether nobody is running an intent: it stopped on an unknown outcome, or its lease lapsed. */
export function isIdle(ctx: EngineContext, intent: OrderIntent): boolean {
  return intent.stalled === true || Date.parse(intent.startedAt) <= ctx.clock.now().getTime() - ctx.policy.intentLeaseMs;
}

/**
 * Run an intent another call recorded. A live one is left to its owner: this
 * call waits for it to finish (and returns the order as it left it) rather
 * than run the same effects alongside, where a carrier answering the two
 * differently could buy two labels. An idle one (stalled, or past its lease)
 * is claimed in a version-checked write, so that a cancellation cannot take
 * it over meanwhile, and run.
 */
export async function joinIntent(ctx: EngineContext, order: Order, intent: OrderIntent, handler: IntentHandler): Promise<Order> {
  let current = order;
  let pending: OrderIntent | null = intent;
  const deadline = Date.now() + waitBudgetMs(ctx, intent);
  for (let round = 0; pending && pending.id === intent.id && !isIdle(ctx, pending); round++) {
    if (Date.now() > deadline) throw intentConflict(current, pending);
    await sleep(Math.min(50, 2 + round * 4));
    current = await loadOrder(ctx, order.id);
    pending = pendingIntent(current);
  }
  if (!pending || pending.id !== intent.id) return current;
  const claimed: OrderIntent = { ...pending, stalled: false, startedAt: ctx.nowIso() };
  const next: Order = { ...current, intent: claimed, version: current.version + 1, updatedAt: ctx.nowIso() };
  const { written, ...index } = indexUpdate(current, next);
  await ctx.storage.updateOrder({ order: next, ...index }, current.version);
  written();
  return runIntent(ctx, next, claimed, handler);
}

// Long enough for every effect of the intent to use its whole retry budget.
function waitBudgetMs(ctx: EngineContext, intent: OrderIntent): number {
  const { timeoutMs, retries } = ctx.policy.retry;
  return 2 * timeoutMs * (retries + 1) * Math.max(1, intent.effects.length) + 1_000;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Mark an intent idle after an unknown outcome, remembering which label purchase went unanswered. Best effort. */
async function stall(ctx: EngineContext, orderId: string, intent: OrderIntent, index: number, err: unknown): Promise<void> {
  const candidate = isFulfillmentError(err) ? (err.details as { candidate?: unknown }).candidate : undefined;
  await mutateOrder(ctx, orderId, (current) => {
    // A runner whose lease lapsed and whose intent another call claimed leaves the record to it.
    const held = current.intent;
    if (!held || !holds(current, intent)) return null;
    const effects = held.effects.map((e, i) =>
      i === index && e.kind === 'purchaseLabel' && typeof candidate === 'number' ? { ...e, unsettled: candidate } : e,
    );
    current.intent = { ...held, effects, stalled: true, stalledAt: index };
    return { order: current };
  }).catch((e) => ctx.reportError(e, `recording the stalled ${intent.command} intent of ${orderId}`));
}

/**
 * Undo an intent refused for good and clear it. A runner that no longer holds its intent (after
 * its lease lapsed, another call claimed it, finished it, or a cancellation took it over) undoes
 * nothing and clears nothing: what was done is that call's to finish or undo, under the same
 * keys. Then the order as found is returned.
 */
async function abandon(ctx: EngineContext, order: Order, intent: OrderIntent, handler: IntentHandler, outcomes: unknown[], failed: number): Promise<Order | null> {
  const found = await loadOrder(ctx, order.id);
  if (!holds(found, intent)) return found;
  // Undo newest first; a compensation that fails leaves the intent pending for the sweep.
  for (let i = outcomes.length - 1; i >= 0; i--) {
    const undo = compensationOf(intent.id, i, intent.effects[i] as Effect, outcomes[i]);
    if (undo) await executeEffect(ctx, order, undo);
  }
  let taken: Order | null = null;
  await mutateOrder(ctx, order.id, (current) => {
    taken = null;
    if (!holds(current, intent)) {
      taken = current;
      return null;
    }
    const write = handler.abort?.(ctx, current, intent, outcomes, failed) ?? {};
    current.intent = null;
    return { order: current, ...write };
  }, found);
  return taken;
}
