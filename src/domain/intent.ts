// An order's pending intent: the external effects a command decided to run,
// recorded with their idempotency keys before any of them is attempted.
import { z } from 'zod';
import { moneySchema } from './money.js';
import { labelSchema, rateSchema } from './shipment.js';

const stockLineSchema = z.object({ sku: z.string(), locationId: z.string(), quantity: z.number().int().positive() });

/** One external effect of an intent, with everything needed to run it again under the same key. */
export const effectSchema = z.discriminatedUnion('kind', [
  /**
   * Buy a label: the first candidate that issues one, each under its own key. `unsettled` is a
   * candidate whose answer went missing (it may hold a label, so its refusal proves nothing);
   * `reached` the furthest candidate the purchase has moved on to after refusals.
   */
  z.object({
    kind: z.literal('purchaseLabel'),
    shipmentId: z.string(),
    candidates: z.array(rateSchema),
    unsettled: z.number().int().nullable(),
    reached: z.number().int().nonnegative().optional(),
  }),
  /** Void a bought label. */
  z.object({ kind: z.literal('voidLabel'), shipmentId: z.string(), carrierId: z.string(), label: labelSchema, key: z.string() }),
  /** Ask again, in order, under the keys of a purchase that was not answered, and void the label that comes back. */
  z.object({ kind: z.literal('voidUnsettledLabel'), shipmentId: z.string(), candidates: z.array(rateSchema) }),
  /** Give back what the provider holds of a payment whatever the order recorded (after an unanswered capture): refund what was captured, void an open authorization. */
  z.object({ kind: z.literal('returnMoney'), paymentId: z.string(), key: z.string(), reason: z.string() }),
  /** Refund an unanswered capture if the provider shows it was taken (`recorded` is what the order knew of). */
  z.object({ kind: z.literal('undoCapture'), paymentId: z.string(), amount: z.number().int().positive(), recorded: z.number().int(), key: z.string(), reason: z.string() }),
  z.object({ kind: z.literal('authorize'), amount: moneySchema, method: z.string(), key: z.string() }),
  z.object({ kind: z.literal('capture'), paymentId: z.string(), amount: z.number().int().positive(), key: z.string() }),
  z.object({ kind: z.literal('voidPayment'), paymentId: z.string(), key: z.string() }),
  z.object({ kind: z.literal('refund'), paymentId: z.string(), amount: z.number().int().positive(), key: z.string(), reason: z.string() }),
  z.object({ kind: z.literal('reserveStock'), reservationId: z.string(), lines: z.array(stockLineSchema), opId: z.string() }),
  z.object({ kind: z.literal('commitStock'), reservationId: z.string(), lines: z.array(stockLineSchema), opId: z.string(), reason: z.string() }),
  z.object({ kind: z.literal('releaseStock'), reservationId: z.string(), lines: z.array(stockLineSchema).nullable(), opId: z.string(), reason: z.string() }),
  z.object({ kind: z.literal('adjustStock'), sku: z.string(), locationId: z.string(), delta: z.number().int(), reason: z.string(), opId: z.string() }),
  z.object({ kind: z.literal('restock'), sku: z.string(), locationId: z.string(), quantity: z.number().int().positive(), reason: z.string(), opId: z.string() }),
]);
/** One external effect of an intent. */
export type Effect = z.infer<typeof effectSchema>;
/** The kinds of effect. */
export type EffectKind = Effect['kind'];

/** Commands that act through intents. */
export const intentCommandSchema = z.enum(['label', 'handOver', 'cancel', 'pick', 'return', 'fill', 'authorize', 'capture']);
/** Commands that act through intents. */
export type IntentCommand = z.infer<typeof intentCommandSchema>;

/**
 * A command's decision, stored on the order in the version-checked write that
 * precedes its first external call. While it is set, no other command acts on
 * the order; the same command with the same input joins it.
 */
export const orderIntentSchema = z.object({
  id: z.string(),
  command: intentCommandSchema,
  /** What it acts on: a shipment, return or the order id. */
  target: z.string(),
  /** Canonical input of the command; a repeat with the same input joins the intent. */
  fingerprint: z.string(),
  effects: z.array(effectSchema),
  /** Command-specific facts the finishing write needs (reason, picks, ...). */
  data: z.record(z.string(), z.unknown()),
  startedAt: z.string(),
  /** Set when a run stopped on an unknown outcome: nobody runs it until a join or the sweep claims it, and a cancellation may take it over. */
  stalled: z.boolean().optional(),
  /** Index of the effect whose outcome is unknown, when stalled. */
  stalledAt: z.number().int().optional(),
});
/** A pending intent. */
export type OrderIntent = z.infer<typeof orderIntentSchema>;
