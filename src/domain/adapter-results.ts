// What carrier and payment adapters must answer, as schemas: the engine checks
// every answer against them at the port boundary before acting on it or storing it.
import { z } from 'zod';
import { MAX_MONEY_AMOUNT } from './limits.js';
import { moneySchema } from './money.js';
import { shippingSpeedSchema } from './shipment.js';
import { paymentStatusSchema } from './status.js';

const text = (max: number) => z.string().max(max);
const required = (max: number) => z.string().min(1).max(max);
/** An instant or a date any `Date.parse` reads (carriers send both). */
const instant = required(64).refine((s) => !Number.isNaN(Date.parse(s)), { message: 'must be an ISO 8601 date or instant' });
const minorUnits = z.number().int().nonnegative().max(MAX_MONEY_AMOUNT);

/** A carrier's note on a quote (why a service is missing, a warning). */
export const carrierMessageSchema = z.object({
  carrierId: required(64),
  code: required(64),
  message: text(1000),
});

/**
 * One rate as a carrier must quote it. `carrierId` must be the quoting
 * carrier's own id (the engine checks that too).
 */
export const rateResultSchema = z.object({
  carrierId: required(64),
  service: required(64),
  speed: shippingSpeedSchema,
  amount: moneySchema,
  transitDays: z.number().int().nonnegative().max(365).nullable(),
  estimatedDelivery: instant.nullable(),
});

/** The outer shape of `getRates`: rates and messages, each checked one by one. */
export const rateQuoteResultSchema = z.object({
  rates: z.array(z.unknown()).max(1000),
  messages: z.array(carrierMessageSchema).max(1000),
});

/**
 * A purchased label. A carrier answering "200 OK" with an error body has no
 * tracking number and fails here: nothing is marked shipped on such an answer.
 */
export const labelResultSchema = z.object({
  labelId: required(256),
  trackingNumber: required(64),
  trackingUrl: text(2048).nullable(),
  labelUrl: text(2048).nullable(),
  cost: moneySchema,
  purchasedAt: instant,
});

/** The answer to `voidShipment`: a real boolean, not a truthy body. */
export const voidResultSchema = z.object({ voided: z.boolean() });

/** A payment as a provider must describe it; amounts are minor units of `amount.currency`. */
export const paymentResultSchema = z
  .object({
    paymentId: required(256),
    status: paymentStatusSchema,
    amount: moneySchema,
    authorized: minorUnits,
    captured: minorUnits,
    refunded: minorUnits,
    failure: z.object({ code: text(128), message: text(1000) }).nullable(),
  })
  .refine((p) => p.refunded <= p.captured, { message: 'refunded exceeds captured', path: ['refunded'] });
