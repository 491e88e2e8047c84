// Which handler finishes each kind of intent, so the sweep and other commands
// can resume an intent they did not start.
import { FulfillmentError } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { IntentCommand, OrderIntent } from '../domain/intent.js';
import type { Order } from '../domain/order.js';
import type { OutboxMessageInput } from '../ports/storage.js';
import type { EngineContext } from './context.js';
import type { OrderChange } from './order-writer.js';

/** What a finished (or abandoned) intent writes besides clearing itself. */
export interface IntentWrite {
  events?: DomainEvent[];
  outbox?: OutboxMessageInput[];
  reservationExpiry?: OrderChange['reservationExpiry'];
  /** The intent the command continues with, recorded in the same write and run by the same runner (a label, then its hand-over). */
  next?: OrderIntent | null;
}

/** How one command completes its intent. */
export interface IntentHandler {
  /** Record the outcomes on the order, in place. Runs exactly once per intent. */
  finish(ctx: EngineContext, order: Order, intent: OrderIntent, outcomes: unknown[]): IntentWrite;
  /**
   * Record what an abandoned intent did before effect `failed` was refused and
   * could not be undone (e.g. labels voided by a cancellation that stopped).
   */
  abort?(ctx: EngineContext, order: Order, intent: OrderIntent, outcomes: unknown[], failed: number): IntentWrite;
}

const handlers = new Map<IntentCommand, IntentHandler>();

/** Make a command's intents resumable by the sweep and by other commands. */
export function registerIntentHandler(command: IntentCommand, handler: IntentHandler): IntentHandler {
  handlers.set(command, handler);
  return handler;
}

/** The handler that finishes intents of `command`. */
export function intentHandler(command: IntentCommand): IntentHandler {
  const handler = handlers.get(command);
  if (!handler) throw new FulfillmentError('CONFIGURATION_ERROR', `No handler finishes ${command} intents`);
  return handler;
}

/** Whether `order` still carries `intent` as its runner claimed it (same id, same claim). */
export function holds(order: Order, intent: OrderIntent): boolean {
  return order.intent?.id === intent.id && order.intent.startedAt === intent.startedAt;
}
