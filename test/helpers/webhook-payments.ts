// A sandbox payment provider that also pushes signed webhooks, for the
// payment-webhook tests of the engine and the HTTP surface.
import { type SandboxPayment, sandboxPayment } from '../../src/payments/sandbox/sandbox-payment.js';
import type { PaymentStatus } from '../../src/domain/status.js';
import type { Clock } from '../../src/ports/clock.js';
import { SIGNATURE_HEADER, readHeader, signWebhook, verifyWebhook } from '../../src/tracking/webhook-signature.js';

/** A webhook as the provider would send it. */
export interface PaymentWebhook {
  headers: Record<string, string>;
  rawBody: string;
}

/** The adapter plus a way to produce its webhooks. */
export interface WebhookPayments {
  payments: SandboxPayment;
  /** A signed webhook saying that `paymentId` changed to `status`. */
  webhook(event: { paymentId: string; status: PaymentStatus; eventId: string }, secret?: string): Promise<PaymentWebhook>;
}

export function webhookPayments(clock: Clock, secret = 'whsec_payments'): WebhookPayments {
  const base = sandboxPayment({ clock });
  const payments: SandboxPayment = {
    ...base,
    capabilities: { ...base.capabilities, webhooks: true },
    async parseWebhook(rawBody, headers) {
      await verifyWebhook({ secret, payload: rawBody, header: readHeader(headers, SIGNATURE_HEADER), now: clock.now() });
      const text = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
      const body = JSON.parse(text) as { id: string; payment: string; status: PaymentStatus };
      return { eventId: body.id, paymentId: body.payment, type: `payment.${body.status}`, status: body.status };
    },
  };
  return {
    payments,
    async webhook(event, signWith = secret) {
      const rawBody = JSON.stringify({ id: event.eventId, payment: event.paymentId, status: event.status });
      const signature = await signWebhook({ secret: signWith, payload: rawBody, timestamp: clock.now() });
      return { headers: { [SIGNATURE_HEADER]: signature, 'content-type': 'application/json' }, rawBody };
    },
  };
}
