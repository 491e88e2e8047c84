// Payments settled outside any processor (bank transfer, cash on delivery):
// the authorization waits until the host records that the money arrived.
import { FulfillmentError } from '../../domain/errors.js';
import type { Money } from '../../domain/money.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import type { PaymentAdapter, PaymentResult } from '../../ports/payment.js';
import { type PaymentLedgerEntry, paymentBook } from '../payment-book.js';
import { stableId } from '../../sandbox/stable-id.js';

/** Options of {@link manualPayment}. */
export interface ManualPaymentOptions {
  /**
   * Provider id stored on orders.
   * @defaultValue 'manual'
   */
  id?: string;
  /**
   * Prefix of the payment references customers quote on their transfer.
   * @defaultValue 'PAY'
   */
  referencePrefix?: string;
  /**
   * Time source for ledger entries.
   * @defaultValue systemClock
   */
  clock?: Clock;
}

/** A payment waiting for money, as the shop shows it to the customer. */
export interface ManualPaymentInstructions {
  /** The reference to quote on the transfer; it is also the `paymentId`. */
  reference: string;
  orderId: string;
  method: string;
  amount: Money;
}

/** The manual payment adapter plus the host's bookkeeping calls. */
export interface ManualPayment extends PaymentAdapter {
  /**
   * Record that the money arrived. The payment becomes `authorized` (the engine
   * captures it as its policy says) or, with `captured: true`, `captured` at once.
   * Repeating it changes nothing.
   */
  markPaid(paymentId: string, options?: { captured?: boolean }): Promise<PaymentResult>;
  /** Record that the money will not come (the transfer deadline passed, the parcel was refused). */
  markFailed(paymentId: string, reason?: string): Promise<PaymentResult>;
  /** Payments still waiting for money, oldest first. */
  awaiting(): ManualPaymentInstructions[];
  /** Every money movement recorded. */
  ledger(): PaymentLedgerEntry[];
}

/**
 * Bank transfer, cash on delivery or invoice: `authorize` answers
 * `requires_action` with a reference for the customer, and the payment moves
 * on only when the host calls `markPaid` (or `markFailed`). Captures and
 * refunds are bookkeeping under the same rules as a card: never more than
 * authorized or captured.
 *
 * @example
 * ```ts
 * const payments = manualPayment();
 * const ff = createFulfillment({ payments });
 * const order = await ff.orders.place({ ...input, payment: { method: 'manual:bank_transfer' } });
 * // later, when the bank statement shows the reference:
 * await payments.markPaid(order.payment.paymentId!);
 * ```
 */
export function manualPayment(options: ManualPaymentOptions = {}): ManualPayment {
  const id = options.id ?? 'manual';
  const prefix = options.referencePrefix ?? 'PAY';
  const clock = options.clock ?? systemClock;
  const book = paymentBook();
  const details = new Map<string, ManualPaymentInstructions>();
  const now = () => clock.now().toISOString();
  const current = (paymentId: string) => book.find({ paymentId }) as PaymentResult;

  return {
    id,
    capabilities: { partialCapture: true, multipleCaptures: true, partialRefund: true, asynchronous: true, lookupByIdempotencyKey: true, webhooks: false },

    async authorize(request) {
      const fingerprint = `${request.orderId}:${request.amount.amount}:${request.amount.currency}:${request.method}`;
      const result = book.once('authorize', request.idempotencyKey, fingerprint, () => {
        const reference = `${prefix}-${stableId(`${id}:${request.idempotencyKey}`, 10)}`;
        const payment: PaymentResult = {
          paymentId: reference,
          status: 'requires_action',
          amount: { ...request.amount },
          authorized: 0,
          captured: 0,
          refunded: 0,
          failure: null,
        };
        book.open(payment, request.idempotencyKey);
        details.set(reference, { reference, orderId: request.orderId, method: request.method, amount: { ...request.amount } });
        return payment;
      });
      return current(result.paymentId);
    },

    async capture(request) {
      return book.once('capture', request.idempotencyKey, `${request.paymentId}:${request.amount}`, () =>
        book.capture(request.paymentId, request.amount, request.idempotencyKey, now()),
      );
    },

    async void(request) {
      return book.once('void', request.idempotencyKey, request.paymentId, () =>
        book.void(request.paymentId, request.idempotencyKey, now()),
      );
    },

    async refund(request) {
      return book.once('refund', request.idempotencyKey, `${request.paymentId}:${request.amount}`, () =>
        book.refund(request.paymentId, request.amount, request.idempotencyKey, now()),
      );
    },

    async retrieve(ref) {
      return book.find(ref);
    },

    async markPaid(paymentId, markOptions = {}) {
      const p = book.get(paymentId);
      if (p.status === 'requires_action') {
        p.status = 'authorized';
        p.authorized = p.amount.amount;
        book.record({ paymentId, operation: 'settle', amount: p.authorized, idempotencyKey: `paid:${paymentId}`, at: now() });
      } else if (p.status === 'voided' || p.status === 'failed') {
        throw new FulfillmentError('PAYMENT_FAILED', `Payment ${paymentId} is ${p.status}; money that arrives now must be returned`, {
          details: { paymentId, status: p.status, reason: 'not_awaiting_payment' },
        });
      }
      if (markOptions.captured === true && p.status === 'authorized' && p.captured < p.authorized) {
        book.capture(paymentId, p.authorized - p.captured, `paid:${paymentId}:capture`, now());
      }
      return current(paymentId);
    },

    async markFailed(paymentId, reason = 'The payment did not arrive') {
      const p = book.get(paymentId);
      if (p.status !== 'requires_action') {
        throw new FulfillmentError('INVALID_TRANSITION', `Payment ${paymentId} is ${p.status}, not awaiting payment`, {
          details: { paymentId, status: p.status },
        });
      }
      p.status = 'failed';
      p.failure = { code: 'not_paid', message: reason, reason: 'other' };
      return current(paymentId);
    },

    awaiting() {
      return book
        .payments()
        .filter((p) => p.status === 'requires_action')
        .map((p) => details.get(p.paymentId))
        .filter((d): d is ManualPaymentInstructions => d !== undefined)
        .map((d) => ({ ...d, amount: { ...d.amount } }));
    },

    ledger: () => book.ledger(),
  };
}
