// A loopback Stripe: the PaymentIntent, Refund and search endpoints the
// adapter uses, in Stripe's wire format (form bodies, error JSON, Idempotency-Key
// replay), with test payment methods, multicapture, async refunds and events.
import { randomBytes } from 'node:crypto';
import { type FakeRequest, type FakeResponse, type HttpFake, parseForm, startHttpFake } from './http-fake.js';

interface Charge {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  payment_intent: string;
  refunded: boolean;
}

interface PaymentIntent {
  id: string;
  object: 'payment_intent';
  status: string;
  amount: number;
  currency: string;
  amount_capturable: number;
  amount_received: number;
  capture_method: string;
  payment_method: string | null;
  latest_charge: string | null;
  last_payment_error: { type: string; code: string; decline_code?: string; message: string } | null;
  metadata: Record<string, string>;
  multicapture: boolean;
  created: number;
}

interface Refund {
  id: string;
  object: 'refund';
  amount: number;
  payment_intent: string;
  charge: string;
  status: 'pending' | 'succeeded' | 'failed';
  metadata: Record<string, string>;
}

export interface StripeEvent {
  id: string;
  object: 'event';
  type: string;
  created: number;
  data: { object: unknown };
}

/** Test payment methods, after Stripe's documented ones. */
const DECLINES: Record<string, { code: string; decline_code: string; message: string }> = {
  pm_card_chargeDeclined: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  pm_card_visa_chargeDeclinedInsufficientFunds: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  pm_card_chargeDeclinedExpiredCard: { code: 'expired_card', decline_code: 'expired_card', message: 'Your card has expired.' },
  pm_card_chargeDeclinedFraudulent: { code: 'card_declined', decline_code: 'fraudulent', message: 'Your card was declined.' },
};
const APPROVE = new Set(['pm_card_visa', 'pm_card_mastercard', 'pm_card_amex']);
const THREE_DS = new Set(['pm_card_authenticationRequired', 'pm_card_threeDSecure2Required']);

export interface StripeFakeOptions {
  /** The account has multicapture (`request_multicapture: if_available` is honoured). */
  multicapture?: boolean;
  /** Refunds are created `pending` and succeed on `settleRefunds()`, as bank refunds do. */
  asyncRefunds?: boolean;
}

export interface StripeFake {
  http: HttpFake;
  port: number;
  intents: Map<string, PaymentIntent>;
  refunds: Map<string, Refund>;
  /** The intent as the API returns it (for signed test events). */
  intentView(id: string): unknown;
  /** Events in the order they happened. */
  events: StripeEvent[];
  /** Money moved at the processor, once per effect. */
  movements: { intent: string; kind: 'capture' | 'refund'; amount: number }[];
  /** Finish 3-D Secure for an intent waiting on it. */
  completeAction(id: string): void;
  /** The customer fails 3-D Secure: the intent needs a new payment method. */
  failAction(id: string): void;
  /** Move every pending refund to succeeded. */
  settleRefunds(): void;
  close(): Promise<void>;
}

export async function startStripeFake(options: StripeFakeOptions = {}): Promise<StripeFake> {
  const intents = new Map<string, PaymentIntent>();
  const charges = new Map<string, Charge>();
  const refunds = new Map<string, Refund>();
  const idempotency = new Map<string, { fingerprint: string; answer: FakeResponse }>();
  const events: StripeEvent[] = [];
  const movements: StripeFake['movements'] = [];
  const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
  const now = () => Math.floor(Date.now() / 1000);

  const emit = (type: string, object: unknown) => events.push({ id: id('evt'), object: 'event', type, created: now(), data: { object: structuredClone(object) } });
  const error = (status: number, type: string, code: string, message: string, extra: Record<string, unknown> = {}): FakeResponse => ({
    status,
    body: { error: { type, code, message, ...extra } },
  });
  const missing = (what: string, value: string) => error(404, 'invalid_request_error', 'resource_missing', `No such ${what}: '${value}'`, { param: 'id' });

  const view = (pi: PaymentIntent, expand: string[]) => {
    const { multicapture, ...rest } = pi;
    const charge = pi.latest_charge === null ? null : (charges.get(pi.latest_charge) ?? null);
    return {
      ...rest,
      latest_charge: expand.some((e) => e === 'latest_charge' || e === 'data.latest_charge') ? charge : pi.latest_charge,
      payment_method_options: { card: { request_multicapture: multicapture ? 'if_available' : 'never' } },
    };
  };
  const expandOf = (params: Record<string, unknown>, query: URLSearchParams): string[] => {
    const fromBody = Array.isArray(params.expand) ? (params.expand as string[]) : [];
    const fromQuery = [...query.entries()].filter(([k]) => k.startsWith('expand')).map(([, v]) => v);
    return [...fromBody, ...fromQuery];
  };

  function createIntent(params: Record<string, unknown>): FakeResponse {
    const amount = Number(params.amount);
    if (!Number.isInteger(amount) || amount < 50) return error(400, 'invalid_request_error', 'amount_too_small', 'Amount must be at least 50 cents', { param: 'amount' });
    if (typeof params.currency !== 'string') return error(400, 'invalid_request_error', 'parameter_missing', 'Missing required param: currency.', { param: 'currency' });
    const method = typeof params.payment_method === 'string' ? params.payment_method : null;
    const wantsMulti = (params.payment_method_options as { card?: { request_multicapture?: string } } | undefined)?.card?.request_multicapture === 'if_available';
    const pi: PaymentIntent = {
      id: id('pi'),
      object: 'payment_intent',
      status: 'requires_payment_method',
      amount,
      currency: params.currency,
      amount_capturable: 0,
      amount_received: 0,
      capture_method: (params.capture_method as string) ?? 'automatic',
      payment_method: method,
      latest_charge: null,
      last_payment_error: null,
      metadata: (params.metadata as Record<string, string>) ?? {},
      multicapture: wantsMulti && (options.multicapture ?? false),
      created: now(),
    };
    intents.set(pi.id, pi);
    if (params.confirm !== 'true' || method === null) return { status: 200, body: view(pi, expandOf(params, new URLSearchParams())) };
    const decline = DECLINES[method];
    if (decline !== undefined) {
      pi.last_payment_error = { type: 'card_error', ...decline };
      emit('payment_intent.payment_failed', pi);
      return error(402, 'card_error', decline.code, decline.message, { decline_code: decline.decline_code, payment_intent: view(pi, []) });
    }
    if (THREE_DS.has(method)) {
      pi.status = 'requires_action';
      emit('payment_intent.requires_action', pi);
      return { status: 200, body: { ...view(pi, expandOf(params, new URLSearchParams())), next_action: { type: 'use_stripe_sdk' } } };
    }
    if (!APPROVE.has(method)) return error(400, 'invalid_request_error', 'resource_missing', `No such PaymentMethod: '${method}'`, { param: 'payment_method' });
    authorizeIntent(pi);
    return { status: 200, body: view(pi, expandOf(params, new URLSearchParams())) };
  }

  function authorizeIntent(pi: PaymentIntent): void {
    const charge: Charge = { id: id('ch'), object: 'charge', amount: pi.amount, amount_captured: 0, amount_refunded: 0, payment_intent: pi.id, refunded: false };
    charges.set(charge.id, charge);
    pi.latest_charge = charge.id;
    pi.status = 'requires_capture';
    pi.amount_capturable = pi.amount;
    emit('payment_intent.amount_capturable_updated', pi);
  }

  function capture(pi: PaymentIntent, params: Record<string, unknown>, expand: string[]): FakeResponse {
    if (pi.status !== 'requires_capture') {
      return error(400, 'invalid_request_error', 'payment_intent_unexpected_state', `This PaymentIntent could not be captured because it has a status of ${pi.status}.`);
    }
    const amount = params.amount_to_capture === undefined ? pi.amount_capturable : Number(params.amount_to_capture);
    if (!Number.isInteger(amount) || amount <= 0) return error(400, 'invalid_request_error', 'parameter_invalid_integer', 'Invalid integer', { param: 'amount_to_capture' });
    if (amount > pi.amount_capturable) {
      return error(400, 'invalid_request_error', 'amount_too_large', `The amount to capture (${amount}) exceeds the capturable amount (${pi.amount_capturable}).`, { param: 'amount_to_capture' });
    }
    if (params.final_capture === 'false' && !pi.multicapture) {
      return error(400, 'invalid_request_error', 'parameter_invalid_empty', 'final_capture=false requires multicapture on this PaymentIntent.', { param: 'final_capture' });
    }
    const charge = charges.get(pi.latest_charge as string) as Charge;
    pi.amount_received += amount;
    charge.amount_captured += amount;
    movements.push({ intent: pi.id, kind: 'capture', amount });
    const final = !pi.multicapture || params.final_capture !== 'false';
    pi.amount_capturable = final ? 0 : pi.amount_capturable - amount;
    if (final || pi.amount_capturable === 0) {
      pi.status = 'succeeded';
      pi.amount_capturable = 0;
      emit('payment_intent.succeeded', pi);
    }
    return { status: 200, body: view(pi, expand) };
  }

  function cancel(pi: PaymentIntent, expand: string[]): FakeResponse {
    if (pi.status === 'succeeded' || pi.status === 'canceled') {
      return error(400, 'invalid_request_error', 'payment_intent_unexpected_state', `You cannot cancel this PaymentIntent because it has a status of ${pi.status}.`);
    }
    pi.status = 'canceled';
    pi.amount_capturable = 0;
    emit('payment_intent.canceled', pi);
    return { status: 200, body: view(pi, expand) };
  }

  function refund(params: Record<string, unknown>): FakeResponse {
    const pi = intents.get(String(params.payment_intent));
    if (pi === undefined) return missing('payment_intent', String(params.payment_intent));
    const charge = pi.latest_charge === null ? undefined : charges.get(pi.latest_charge);
    if (charge === undefined || charge.amount_captured === 0) {
      return error(400, 'invalid_request_error', 'charge_not_refundable', 'This PaymentIntent does not have a successful charge to refund.');
    }
    const amount = params.amount === undefined ? charge.amount_captured - charge.amount_refunded : Number(params.amount);
    if (amount > charge.amount_captured - charge.amount_refunded) {
      return error(400, 'invalid_request_error', 'amount_too_large', `Refund amount (${amount}) is greater than unrefunded amount on charge (${charge.amount_captured - charge.amount_refunded})`, { param: 'amount' });
    }
    const r: Refund = { id: id('re'), object: 'refund', amount, payment_intent: pi.id, charge: charge.id, status: options.asyncRefunds ? 'pending' : 'succeeded', metadata: (params.metadata as Record<string, string>) ?? {} };
    refunds.set(r.id, r);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount_captured;
    movements.push({ intent: pi.id, kind: 'refund', amount });
    emit('refund.created', r);
    if (r.status === 'succeeded') emit('charge.refunded', charge);
    return { status: 200, body: r };
  }

  function search(query: URLSearchParams): FakeResponse {
    // Supports the one form the adapter sends: metadata['key']:'value'.
    const match = /^metadata\['([^']+)'\]:'((?:[^'\\]|\\.)*)'$/.exec(query.get('query') ?? '');
    if (match === null) return error(400, 'invalid_request_error', 'parameter_invalid', 'Unsupported search query', { param: 'query' });
    const [, key, raw] = match as unknown as [string, string, string];
    const value = raw.replace(/\\(.)/g, '$1');
    const expand = [...query.entries()].filter(([k]) => k.startsWith('expand')).map(([, v]) => v);
    const data = [...intents.values()].filter((pi) => pi.metadata[key] === value).map((pi) => view(pi, expand));
    return { status: 200, body: { object: 'search_result', data, has_more: false, next_page: null, url: '/v1/payment_intents/search' } };
  }

  function route(request: FakeRequest): FakeResponse {
    if (!/^Bearer sk_test_/.test(String(request.headers.authorization ?? ''))) {
      return error(401, 'invalid_request_error', 'api_key_invalid', 'Invalid API Key provided');
    }
    const params = request.method === 'POST' ? parseForm(request.body) : parseForm(request.query);
    const expand = expandOf(params, new URLSearchParams());
    const segments = request.path.split('/').filter(Boolean);
    if (segments[0] !== 'v1') return missing('route', request.path);
    const [, resource, second, action] = segments;
    if (resource === 'payment_intents') {
      if (request.method === 'POST' && second === undefined) return createIntent(params);
      if (request.method === 'GET' && second === 'search') return search(request.query);
      const pi = intents.get(second ?? '');
      if (pi === undefined) return missing('payment_intent', second ?? '');
      if (request.method === 'GET' && action === undefined) return { status: 200, body: view(pi, expand) };
      if (request.method === 'POST' && action === 'capture') return capture(pi, params, expand);
      if (request.method === 'POST' && action === 'cancel') return cancel(pi, expand);
    }
    if (resource === 'refunds') {
      if (request.method === 'POST' && second === undefined) return refund(params);
      const r = refunds.get(second ?? '');
      if (request.method === 'GET' && r !== undefined) return { status: 200, body: r };
      if (r === undefined) return missing('refund', second ?? '');
    }
    return missing('route', request.path);
  }

  const http = await startHttpFake((request) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || typeof key !== 'string') return route(request);
    // Stripe replays the first answer to a key, and refuses the key with other parameters.
    const fingerprint = `${request.path}?${request.body}`;
    const seen = idempotency.get(key);
    if (seen !== undefined) {
      if (seen.fingerprint !== fingerprint) {
        return error(400, 'idempotency_error', 'idempotency_key_in_use', `Keys for idempotent requests can only be used with the same parameters they were first used with.`);
      }
      return { ...seen.answer, headers: { 'idempotent-replayed': 'true' } };
    }
    const answer = route(request);
    // Stripe does not store answers to requests that failed for transient reasons.
    if (answer.status < 500 && answer.status !== 429) idempotency.set(key, { fingerprint, answer });
    return answer;
  });

  return {
    http,
    port: http.port,
    intents,
    refunds,
    events,
    movements,
    intentView: (piId) => {
      const pi = intents.get(piId);
      return pi === undefined ? null : view(pi, []);
    },
    completeAction(piId) {
      const pi = intents.get(piId);
      if (pi?.status !== 'requires_action') throw new Error(`${piId} is not waiting for 3-D Secure`);
      authorizeIntent(pi);
    },
    failAction(piId) {
      const pi = intents.get(piId);
      if (pi?.status !== 'requires_action') throw new Error(`${piId} is not waiting for 3-D Secure`);
      pi.status = 'requires_payment_method';
      pi.last_payment_error = {
        type: 'card_error',
        code: 'payment_intent_authentication_failure',
        message: 'The provided PaymentMethod has failed authentication.',
      };
      emit('payment_intent.payment_failed', pi);
    },
    settleRefunds() {
      for (const r of refunds.values()) {
        if (r.status !== 'pending') continue;
        r.status = 'succeeded';
        emit('refund.updated', r);
        emit('charge.refunded', charges.get(r.charge));
      }
    },
    close: () => http.close(),
  };
}
