// What carrier and payment adapters must answer, beyond the rate and label
// schemas of shipment.ts: the engine checks every answer against these at the
// port boundary before acting on it or storing it.
import { z } from 'zod';
import { MAX_MONEY_AMOUNT } from './limits.js';
import { moneySchema } from './money.js';
import { paymentDeclineReasonSchema } from './payment.js';
import { paymentStatusSchema } from './status.js';

const minorUnits = z.number().int().nonnegative().max(MAX_MONEY_AMOUNT);

/** A carrier's note on a quote (why a service is missing, a warning). */
export const carrierMessageSchema = z.object({
  carrierId: z.string().min(1).max(64),
  code: z.string().min(1).max(64),
  message: z.string().max(1000),
});

/** The outer shape of `getRates`: rates (each checked against `rateSchema` on its own) and messages. */
export const rateQuoteResultSchema = z.object({
  rates: z.array(z.unknown()).max(1000),
  messages: z.array(carrierMessageSchema).max(1000),
});

/** Every answer `voidShipment` may give. */
export const VOID_STATUSES = ['voided', 'pending', 'refused'] as const;

/**
 * The answer to `voidShipment`: `voided` (the label is cancelled and will be
 * refunded), `pending` (the carrier has taken the request and decides later:
 * ask again with the same key), or `refused` (already scanned, too late).
 */
export const voidResultSchema = z.object({
  status: z.enum(VOID_STATUSES),
  message: z.string().max(1000).optional(),
});

/** A verified payment webhook as `parseWebhook` must answer it: which payment, which event. */
export const paymentWebhookEventSchema = z.object({
  eventId: z.string().min(1).max(256),
  paymentId: z.string().min(1).max(256),
  type: z.string().min(1).max(128),
  status: paymentStatusSchema.optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
});

/** A payment as a provider must describe it; amounts are minor units of `amount.currency`. */
export const paymentResultSchema = z
  .object({
    paymentId: z.string().min(1).max(256),
    status: paymentStatusSchema,
    amount: moneySchema,
    authorized: minorUnits,
    captured: minorUnits,
    refunded: minorUnits,
    failure: z
      .object({ code: z.string().max(128), message: z.string().max(1000), reason: paymentDeclineReasonSchema.optional() })
      .nullable(),
  })
  .refine((p) => p.refunded <= p.captured, { message: 'refunded exceeds captured', path: ['refunded'] });
