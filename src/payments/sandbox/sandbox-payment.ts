// A simulated card processor: test tokens that approve, decline, ask for 3-D
// Secure or time out, exact idempotency, and fault injection for retry tests.
import { FulfillmentError } from '../../domain/errors.js';
import { PAYMENT_STATUSES, type PaymentStatus } from '../../domain/status.js';
import type { PaymentAdapter, PaymentResult } from '../../ports/payment.js';
import { readHeader, SIGNATURE_HEADER, type SignedWebhookRequest, signWebhook, verifyWebhook } from '../../tracking/webhook-signature.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import { type PaymentBook, type PaymentLedgerEntry, paymentBook } from '../payment-book.js';
import { type SandboxFault, type SandboxFaultOptions, sandboxFaults } from '../../sandbox/sandbox-faults.js';
import { stableId } from '../../sandbox/stable-id.js';

/** Operations of the sandbox payment adapter that faults can target. */
export type SandboxPaymentOperation = 'authorize' | 'capture' | 'void' | 'refund' | 'retrieve';

/** What a test payment method does when authorized. */
export type SandboxCardBehaviour =
  | 'approve'
  | 'decline'
  | 'insufficient_funds'
  | 'expired_card'
  | 'incorrect_cvc'
  | 'fraudulent'
  | 'processing_error'
  | 'do_not_honor'
  | 'requires_action'
  | 'timeout';

/**
 * Test payment methods, as tokens or card numbers:
 *
 * | behaviour | tokens / numbers |
 * |---|---|
 * | approve | `tok_visa`, `tok_mastercard`, `4242424242424242`, `5555555555554444` |
 * | decline (`card_declined`) | `tok_decline`, `4000000000000002` |
 * | insufficient funds (`insufficient_funds`) | `tok_insufficient_funds`, `4000000000009995` |
 * | expired card (`expired_card`) | `tok_expired`, `4000000000000069` |
 * | incorrect CVC (`incorrect_cvc`) | `tok_incorrect_cvc`, `4000000000000127` |
 * | suspected fraud (`fraudulent`) | `tok_fraudulent`, `4100000000000019` |
 * | processing error (`processing_error`) | `tok_processing_error`, `4000000000000101` |
 * | do not honor (`do_not_honor`) | `tok_do_not_honor` |
 * | requires action (3-D Secure) | `tok_3ds`, `4000000000003220` |
 * | time out (retryable `ADAPTER_ERROR`, nothing authorized) | `tok_timeout`, `4000000000000119` |
 *
 * @example
 * ```ts
 * SANDBOX_PAYMENT_METHODS.tok_decline; // 'decline'
 * const approving = Object.keys(SANDBOX_PAYMENT_METHODS).filter((m) => SANDBOX_PAYMENT_METHODS[m] === 'approve');
 * ```
 */
export const SANDBOX_PAYMENT_METHODS: Readonly<Record<string, SandboxCardBehaviour>> = {
  tok_visa: 'approve',
  tok_mastercard: 'approve',
  '4242424242424242': 'approve',
  '5555555555554444': 'approve',
  tok_decline: 'decline',
  '4000000000000002': 'decline',
  tok_insufficient_funds: 'insufficient_funds',
  '4000000000009995': 'insufficient_funds',
  tok_expired: 'expired_card',
  '4000000000000069': 'expired_card',
  tok_incorrect_cvc: 'incorrect_cvc',
  '4000000000000127': 'incorrect_cvc',
  tok_fraudulent: 'fraudulent',
  '4100000000000019': 'fraudulent',
  tok_processing_error: 'processing_error',
  '4000000000000101': 'processing_error',
  tok_do_not_honor: 'do_not_honor',
  tok_3ds: 'requires_action',
  '4000000000003220': 'requires_action',
  tok_timeout: 'timeout',
  '4000000000000119': 'timeout',
};

/** Options of {@link sandboxPayment}. */
export interface SandboxPaymentOptions extends SandboxFaultOptions<SandboxPaymentOperation> {
  /**
   * Provider id stored on orders.
   * @defaultValue 'sandbox'
   */
  id?: string;
  /**
   * What methods not in {@link SANDBOX_PAYMENT_METHODS} do: approve, or decline as `invalid_payment_method`.
   * @defaultValue 'approve'
   */
  unknownMethods?: 'approve' | 'decline';
  /**
   * How long a `tok_timeout` authorization hangs before throwing, in milliseconds.
   * @defaultValue 0
   */
  timeoutDelayMs?: number;
  /**
   * Time source for ledger entries and webhook signatures.
   * @defaultValue systemClock
   */
  clock?: Clock;
  /**
   * Whether one authorization may be captured several times (`'multiple'`), or
   * its first capture closes it and releases the rest (`'single'`, a standard Stripe PaymentIntent).
   * @defaultValue 'multiple'
   */
  captures?: 'multiple' | 'single';
  /**
   * Secret that signs and verifies the sandbox's payment webhooks; webhooks are off without it.
   * @defaultValue undefined
   */
  webhookSecret?: string;
}

/** The sandbox payment adapter plus inspection helpers for tests. */
export interface SandboxPayment extends PaymentAdapter {
  /** Finish a `requires_action` authorization as the customer would (approve or abandon 3-D Secure). */
  completeAction(paymentId: string, outcome?: 'approve' | 'decline'): Promise<PaymentResult>;
  /** Every payment the provider knows, with its amounts. */
  payments(): PaymentResult[];
  /** Every money movement applied, once per effect: proof of no double capture or refund. */
  ledger(): PaymentLedgerEntry[];
  /** A second adapter instance on the same provider account, as another process of the shop would have. */
  open(): SandboxPayment;
  /** Make this instance's next call fail as a remote provider would (see {@link SandboxFault}). */
  injectFault(fault: Exclude<SandboxFault, null>): void;
  /**
   * The signed webhook the provider would send now about `paymentId` (needs `webhookSecret`).
   * The event id is derived from the payment's state, so the same state gives the same event.
   */
  webhookFor(paymentId: string, options?: { signedAt?: Date }): Promise<SignedWebhookRequest>;
}

// Looked up by the customer's payment method: a Map, so `constructor` or
// `__proto__` is an unknown method rather than something on Object.prototype.
const METHODS: ReadonlyMap<string, SandboxCardBehaviour> = new Map(Object.entries(SANDBOX_PAYMENT_METHODS));

const FAILURES: ReadonlyMap<SandboxCardBehaviour, NonNullable<PaymentResult['failure']>> = new Map([
  ['decline', { code: 'card_declined', message: 'The card was declined', reason: 'card_declined' }],
  ['insufficient_funds', { code: 'insufficient_funds', message: 'The card has insufficient funds', reason: 'insufficient_funds' }],
  ['expired_card', { code: 'expired_card', message: 'The card has expired', reason: 'expired_card' }],
  ['incorrect_cvc', { code: 'incorrect_cvc', message: "The card's security code is incorrect", reason: 'incorrect_cvc' }],
  ['fraudulent', { code: 'fraudulent', message: 'The payment was declined as suspected fraud', reason: 'fraudulent' }],
  ['processing_error', { code: 'processing_error', message: 'The card could not be processed', reason: 'processing_error' }],
  ['do_not_honor', { code: 'do_not_honor', message: 'The issuer declined the card (do not honor)', reason: 'do_not_honor' }],
]);

/**
 * A card processor that never touches a network. Declines are results
 * (`status: 'failed'`), timeouts are retryable errors, and every operation
 * is idempotent by key: the same key returns the same result and moves no
 * money twice, which `ledger()` lets a test prove.
 *
 * @example
 * ```ts
 * const payments = sandboxPayment({ fault: (op, attempt) => (op === 'capture' && attempt === 1 ? 'late' : null) });
 * const ff = createFulfillment({ payments });
 * await ff.orders.place({ ...input, payment: { method: 'tok_visa' } });
 * ```
 */
export function sandboxPayment(options: SandboxPaymentOptions = {}): SandboxPayment {
  return openSandboxPayment(options, paymentBook());
}

function openSandboxPayment(options: SandboxPaymentOptions, book: PaymentBook): SandboxPayment {
  const id = options.id ?? 'sandbox';
  const clock = options.clock ?? systemClock;
  const single = options.captures === 'single';
  const secret = options.webhookSecret;
  const faults = sandboxFaults(options, (operation, reason, retryable) =>
    new FulfillmentError('ADAPTER_ERROR', `Sandbox payment ${operation} failed: ${reason}`, {
      retryable,
      details: { provider: id, operation, reason },
    }),
  );
  const now = () => clock.now().toISOString();

  function behaviourOf(method: string): SandboxCardBehaviour | 'invalid' {
    const known = METHODS.get(method.replace(/[\s-]/g, ''));
    if (known !== undefined) return known;
    return options.unknownMethods === 'decline' ? 'invalid' : 'approve';
  }

  const adapter: SandboxPayment = {
    id,
    capabilities: {
      partialCapture: true,
      multipleCaptures: !single,
      partialRefund: true,
      asynchronous: true,
      lookupByIdempotencyKey: true,
      webhooks: secret !== undefined,
    },

    async authorize(request) {
      const late = await faults.enter('authorize');
      const behaviour = behaviourOf(request.method);
      if (behaviour === 'timeout') {
        if (options.timeoutDelayMs) await new Promise((resolve) => setTimeout(resolve, options.timeoutDelayMs));
        throw new FulfillmentError('ADAPTER_ERROR', 'Sandbox payment authorize timed out', {
          retryable: true,
          details: { provider: id, operation: 'authorize', reason: 'timeout' },
        });
      }
      const fingerprint = `${request.orderId}:${request.amount.amount}:${request.amount.currency}:${request.method}`;
      const result = book.once('authorize', request.idempotencyKey, fingerprint, () => {
        const paymentId = `pay_${stableId(`${id}:${request.idempotencyKey}`, 18)}`;
        const failure =
          behaviour === 'invalid'
            ? { code: 'invalid_payment_method', message: `Unknown test payment method "${request.method}"`, reason: 'other' as const }
            : (FAILURES.get(behaviour) ?? null);
        const approved = behaviour === 'approve';
        const payment: PaymentResult = {
          paymentId,
          status: approved ? 'authorized' : failure !== null ? 'failed' : 'requires_action',
          amount: { ...request.amount },
          authorized: approved ? request.amount.amount : 0,
          captured: 0,
          refunded: 0,
          failure,
        };
        book.open(payment, request.idempotencyKey);
        if (approved) book.record({ paymentId, operation: 'authorize', amount: request.amount.amount, idempotencyKey: request.idempotencyKey, at: now() });
        return payment;
      });
      faults.exit('authorize', late);
      // A replayed authorization answers with the payment as it is now (3-D Secure may have completed since).
      return book.find({ paymentId: result.paymentId }) ?? result;
    },

    async capture(request) {
      const late = await faults.enter('capture');
      const result = book.once('capture', request.idempotencyKey, `${request.paymentId}:${request.amount}`, () =>
        book.capture(request.paymentId, request.amount, request.idempotencyKey, now(), single),
      );
      faults.exit('capture', late);
      return result;
    },

    async void(request) {
      const late = await faults.enter('void');
      const result = book.once('void', request.idempotencyKey, request.paymentId, () =>
        book.void(request.paymentId, request.idempotencyKey, now()),
      );
      faults.exit('void', late);
      return result;
    },

    async refund(request) {
      const late = await faults.enter('refund');
      const result = book.once('refund', request.idempotencyKey, `${request.paymentId}:${request.amount}`, () =>
        book.refund(request.paymentId, request.amount, request.idempotencyKey, now()),
      );
      faults.exit('refund', late);
      return result;
    },

    async retrieve(ref) {
      const late = await faults.enter('retrieve');
      const found = book.find(ref);
      faults.exit('retrieve', late);
      return found;
    },

    async completeAction(paymentId, outcome = 'approve') {
      const p = book.get(paymentId);
      if (p.status !== 'requires_action') return { ...p, amount: { ...p.amount } };
      if (outcome === 'approve') {
        p.status = 'authorized';
        p.authorized = p.amount.amount;
        book.record({ paymentId, operation: 'authorize', amount: p.authorized, idempotencyKey: `action:${paymentId}`, at: now() });
      } else {
        p.status = 'failed';
        p.failure = { code: 'authentication_failed', message: 'The customer did not complete 3-D Secure', reason: 'authentication_required' };
      }
      return book.find({ paymentId }) as PaymentResult;
    },

    payments: () => book.payments(),
    ledger: () => book.ledger(),
    open: () => openSandboxPayment(options, book),

    injectFault(fault) {
      faults.inject(fault);
    },

    async webhookFor(paymentId, webhookOptions = {}) {
      if (secret === undefined) throw webhooksOff();
      const p = book.get(paymentId);
      const rawBody = JSON.stringify({
        id: `evt_${stableId(`${id}:${paymentId}:${p.status}:${p.captured}:${p.refunded}`, 18)}`,
        type: `payment.${p.status}`,
        payment: paymentId,
        status: p.status,
        created: Math.floor(clock.now().getTime() / 1000),
      });
      const signature = await signWebhook({ secret, payload: rawBody, timestamp: webhookOptions.signedAt ?? clock.now() });
      return { headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature }, rawBody };
    },
  };
  if (secret !== undefined) {
    adapter.parseWebhook = async (rawBody, headers) => {
      await verifyWebhook({ secret, payload: rawBody, header: readHeader(headers, SIGNATURE_HEADER), now: clock.now() });
      const body = parseWebhookBody(typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody));
      if (body === null) {
        throw new FulfillmentError('ADAPTER_ERROR', 'Sandbox payment webhook body is not a payment event', {
          details: { provider: id, operation: 'parseWebhook', reason: 'malformed_body' },
        });
      }
      return {
        eventId: body.id,
        paymentId: body.payment,
        type: body.type,
        ...(isPaymentStatus(body.status) ? { status: body.status } : {}),
        occurredAt: new Date(body.created * 1000).toISOString(),
      };
    };
  }
  return adapter;
}

function webhooksOff(): FulfillmentError {
  return new FulfillmentError('CONFIGURATION_ERROR', 'Sandbox payment webhooks need the webhookSecret option', {
    details: { option: 'webhookSecret' },
  });
}

const isPaymentStatus = (value: unknown): value is PaymentStatus => (PAYMENT_STATUSES as readonly unknown[]).includes(value);

function parseWebhookBody(text: string): { id: string; type: string; payment: string; status: unknown; created: number } | null {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const { id, type, payment, created } = body;
    if (typeof id !== 'string' || typeof type !== 'string' || typeof payment !== 'string' || !Number.isInteger(created)) return null;
    return { id, type, payment, status: body.status, created: created as number };
  } catch {
    return null;
  }
}
