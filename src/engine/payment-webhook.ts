// Payment provider webhooks: verify over the raw body with the adapter, find
// the order by the payment id the engine stored, and apply the provider's
// current view of that payment, so duplicates and late deliveries change nothing.
import { FulfillmentError } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import type { PaymentResult } from '../ports/payment.js';
import { callAdapter } from './adapter-call.js';
import type { EngineContext } from './context.js';
import { paymentKey } from './order-index.js';
import { mutateOrder } from './order-writer.js';
import { type AuthorizationOutcome, applyAuthorization, captureOnPlace, paidHold, voidResult } from './payment-flow.js';
import type { WebhookRequest } from './tracking-commands.js';

/** Outcome of a payment webhook. */
export interface PaymentWebhookResult {
  /** The provider's event id, for the caller's logs. */
  eventId: string;
  /** The order the payment belongs to, or `null` when it is not one of ours (or no longer the order's current attempt). */
  orderId: string | null;
  /** False for duplicates, late events and payments this shop does not know. */
  applied: boolean;
  /** The order after the webhook, or `null` when no order matched. */
  order: Order | null;
}

const UNPAID: ReadonlySet<string> = new Set(['pending_payment', 'payment_failed']);

/**
 * Verify a payment webhook with the adapter's `parseWebhook` and apply it.
 * The event only says *which* payment changed: its state is read back from
 * the provider with `retrieve`, so an event delivered twice, or after a later
 * one, applies the same current state, which the order already holds.
 * Only the order's current attempt is touched; an event about an earlier
 * attempt's payment id finds no order.
 */
export async function handlePaymentWebhook(ctx: EngineContext, providerId: string, request: WebhookRequest): Promise<PaymentWebhookResult> {
  const payments = ctx.payments;
  if (!payments || payments.id !== providerId) {
    throw new FulfillmentError('NOT_FOUND', `Payment provider ${providerId} is not configured`, { details: { providerId } });
  }
  if (!payments.capabilities.webhooks || !payments.parseWebhook) {
    throw new FulfillmentError('CONFIGURATION_ERROR', `Payment provider ${providerId} does not support webhooks`, { details: { providerId } });
  }
  if (!request || (typeof request.rawBody !== 'string' && !(request.rawBody instanceof Uint8Array))) {
    throw new FulfillmentError('VALIDATION_FAILED', 'Invalid webhook: rawBody must be the raw request body (string or bytes)', {
      details: { issues: [{ path: 'rawBody', message: 'must be a string or Uint8Array' }] },
    });
  }
  const parse = payments.parseWebhook.bind(payments);
  // Verification is local work: bounded by the timeout, never retried.
  const event = await callAdapter(`${providerId}.parseWebhook`, { ...ctx.policy.retry, retries: 0 }, (o) => parse(request.rawBody, request.headers ?? {}, o));
  const orderId = await ctx.storage.findOrderId(paymentKey(providerId, event.paymentId));
  if (!orderId) return { eventId: event.eventId, orderId: null, applied: false, order: null };
  const order = await ctx.storage.getOrder(orderId);
  if (!order || order.payment.paymentId !== event.paymentId) return { eventId: event.eventId, orderId, applied: false, order };
  if (!UNPAID.has(order.status) && order.status !== 'cancelled') return { eventId: event.eventId, orderId, applied: false, order };
  const current = await callAdapter('payment.retrieve', ctx.policy.retry, (o) => payments.retrieve({ paymentId: event.paymentId }, o));
  if (!current) return { eventId: event.eventId, orderId, applied: false, order };
  if (order.status === 'cancelled') {
    // Authorized after the order was given up (3-D Secure finished too late): release the hold.
    if (current.status === 'authorized') await voidResult(ctx, order, current);
    return { eventId: event.eventId, orderId, applied: false, order };
  }
  const { order: updated, applied } = await applyProviderState(ctx, order, current);
  return { eventId: event.eventId, orderId, applied, order: updated };
}

// Written only while the order still waits on this very payment; `applied` says whether this call wrote.
async function applyProviderState(ctx: EngineContext, order: Order, result: PaymentResult): Promise<{ order: Order; applied: boolean }> {
  let outcome: AuthorizationOutcome;
  if (result.status === 'authorized' || result.status === 'captured') outcome = { kind: 'authorized', result };
  else if (result.status === 'failed' && order.payment.status === 'requires_action') {
    outcome = { kind: 'failed', failure: result.failure ?? { code: 'payment_failed', message: 'The provider reported the payment as failed' }, paymentId: result.paymentId };
  } else return { order, applied: false };
  let applied = false;
  const updated = await mutateOrder(ctx, order.id, (current) => {
    applied = false;
    if (current.payment.paymentId !== result.paymentId) return null;
    // A failure only replaces a pending challenge, never a decision already recorded.
    if (outcome.kind === 'failed' && current.payment.status !== 'requires_action') return null;
    const change = applyAuthorization(ctx, current, outcome);
    if (!change) return null;
    applied = true;
    return { order: current, ...change, reservationExpiry: paidHold(current, outcome) };
  });
  return { order: applied ? await captureOnPlace(ctx, updated) : updated, applied };
}
