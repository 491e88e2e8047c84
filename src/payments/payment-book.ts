// The in-memory books behind the sandbox and manual payment adapters: one
// record per payment, idempotent replies per key, and a ledger of every effect.
import { FulfillmentError } from '../domain/errors.js';
import type { PaymentResult } from '../ports/payment.js';

/** One money movement the provider applied, exactly once per effect. */
export interface PaymentLedgerEntry {
  paymentId: string;
  operation: 'authorize' | 'capture' | 'void' | 'refund' | 'settle';
  /** Minor units moved (0 for a void). */
  amount: number;
  idempotencyKey: string;
  at: string;
}

/** Books of a payment adapter. */
export interface PaymentBook {
  /**
   * Run `effect` once per (operation, key): a repeat returns the first reply;
   * the same key with a different request is an `IDEMPOTENCY_CONFLICT`.
   */
  once(operation: string, key: string, fingerprint: string, effect: () => PaymentResult): PaymentResult;
  /** Store a new payment, found later by id and by its authorization key. */
  open(result: PaymentResult, authorizeKey: string): void;
  /** The live record (throws `NOT_FOUND`). */
  get(paymentId: string): PaymentResult;
  /** A copy of the record found by id or authorization key, or `null`. */
  find(ref: { paymentId: string } | { idempotencyKey: string }): PaymentResult | null;
  /** Capture within the authorization; with `single`, the first capture closes it (the rest is released). */
  capture(paymentId: string, amount: number, key: string, at: string, single?: boolean): PaymentResult;
  void(paymentId: string, key: string, at: string): PaymentResult;
  refund(paymentId: string, amount: number, key: string, at: string): PaymentResult;
  record(entry: PaymentLedgerEntry): void;
  ledger(): PaymentLedgerEntry[];
  payments(): PaymentResult[];
}

/**
 * Create the books. Amount rules follow the payment port: captures within
 * the authorization, refunds within captures, no void after a capture.
 *
 * @example
 * ```ts
 * const book = paymentBook();
 * const result = book.once('capture', key, `${paymentId}:${amount}`, () => book.capture(paymentId, amount, key, now));
 * ```
 */
export function paymentBook(): PaymentBook {
  const payments = new Map<string, PaymentResult>();
  const byAuthorizeKey = new Map<string, string>();
  const replies = new Map<string, { fingerprint: string; result: PaymentResult }>();
  const entries: PaymentLedgerEntry[] = [];
  const closed = new Set<string>();

  const book: PaymentBook = {
    once(operation, key, fingerprint, effect) {
      const slot = `${operation}\u0000${key}`;
      const previous = replies.get(slot);
      if (previous !== undefined) {
        if (previous.fingerprint !== fingerprint) {
          throw new FulfillmentError('IDEMPOTENCY_CONFLICT', `Idempotency key "${key}" was used for a different ${operation}`, {
            details: { operation, idempotencyKey: key },
          });
        }
        return copy(previous.result);
      }
      const result = copy(effect());
      replies.set(slot, { fingerprint, result });
      return copy(result);
    },
    open(result, authorizeKey) {
      payments.set(result.paymentId, result);
      byAuthorizeKey.set(authorizeKey, result.paymentId);
    },
    get(paymentId) {
      const found = payments.get(paymentId);
      if (found === undefined) {
        throw new FulfillmentError('NOT_FOUND', `No payment ${paymentId}`, { details: { paymentId } });
      }
      return found;
    },
    find(ref) {
      const id = 'paymentId' in ref ? ref.paymentId : byAuthorizeKey.get(ref.idempotencyKey);
      const found = id === undefined ? undefined : payments.get(id);
      return found === undefined ? null : copy(found);
    },
    capture(paymentId, amount, key, at, single = false) {
      const p = book.get(paymentId);
      positive(amount, 'capture');
      if (closed.has(paymentId)) refuse(p, 'capture', 'capture_closed');
      if (p.status !== 'authorized' && p.status !== 'captured') refuse(p, 'capture', 'not_capturable');
      if (amount > p.authorized - p.captured) refuse(p, 'capture', 'exceeds_authorized', amount);
      p.captured += amount;
      p.status = 'captured';
      p.failure = null;
      if (single) closed.add(paymentId);
      book.record({ paymentId, operation: 'capture', amount, idempotencyKey: key, at });
      return p;
    },
    void(paymentId, key, at) {
      const p = book.get(paymentId);
      if (p.status === 'voided' || p.status === 'failed') return p;
      if (p.status !== 'authorized' && p.status !== 'requires_action') refuse(p, 'void', 'already_captured');
      p.status = 'voided';
      book.record({ paymentId, operation: 'void', amount: 0, idempotencyKey: key, at });
      return p;
    },
    refund(paymentId, amount, key, at) {
      const p = book.get(paymentId);
      positive(amount, 'refund');
      if (p.status !== 'captured' && p.status !== 'partially_refunded') refuse(p, 'refund', 'not_refundable');
      if (amount > p.captured - p.refunded) refuse(p, 'refund', 'exceeds_captured', amount);
      p.refunded += amount;
      p.status = p.refunded === p.captured ? 'refunded' : 'partially_refunded';
      book.record({ paymentId, operation: 'refund', amount, idempotencyKey: key, at });
      return p;
    },
    record(entry) {
      entries.push({ ...entry });
    },
    ledger: () => entries.map((e) => ({ ...e })),
    payments: () => [...payments.values()].map(copy),
  };
  return book;
}

function copy(p: PaymentResult): PaymentResult {
  return { ...p, amount: { ...p.amount }, failure: p.failure === null ? null : { ...p.failure } };
}

function positive(amount: number, operation: string): void {
  if (!Number.isInteger(amount) || amount <= 0) {
    throw new FulfillmentError('VALIDATION_FAILED', `A ${operation} amount is a positive whole number of minor units`, {
      details: { issues: [{ path: 'amount', message: 'must be a positive integer' }] },
    });
  }
}

function refuse(p: PaymentResult, operation: string, reason: string, requested?: number): never {
  const what: Record<string, string> = {
    not_capturable: `cannot capture a payment that is ${p.status}`,
    capture_closed: 'the authorization was closed by its capture; the rest was released',
    exceeds_authorized: `capture of ${requested} exceeds the ${p.authorized - p.captured} still authorized`,
    already_captured: `cannot void a payment that is ${p.status}; refund it instead`,
    not_refundable: `cannot refund a payment that is ${p.status}`,
    exceeds_captured: `refund of ${requested} exceeds the ${p.captured - p.refunded} captured and not yet refunded`,
  };
  throw paymentRefusal(`Payment ${p.paymentId}: ${what[reason] ?? reason}`, p, operation, reason, requested);
}

/**
 * The `PAYMENT_FAILED` error for an operation the payment's state refuses,
 * with the amounts a caller needs to decide what to do next. Shared by the
 * in-process books and the real providers' adapters.
 */
export function paymentRefusal(
  message: string,
  p: PaymentResult,
  operation: string,
  reason: string,
  requested?: number,
  provider?: string,
): FulfillmentError<'PAYMENT_FAILED'> {
  return new FulfillmentError('PAYMENT_FAILED', message, {
    details: {
      ...(provider === undefined ? {} : { provider }),
      paymentId: p.paymentId,
      operation,
      reason,
      status: p.status,
      authorized: p.authorized,
      captured: p.captured,
      refunded: p.refunded,
      ...(requested === undefined ? {} : { requested }),
    },
  });
}
