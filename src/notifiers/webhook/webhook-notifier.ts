// Delivers notifications as signed JSON POSTs to the host's endpoint, which
// fans them out to email or SMS; retries transient failures within the call.
import { FulfillmentError } from '../../domain/errors.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import type { NotificationAdapter, NotificationChannel } from '../../ports/notifier.js';
import { SIGNATURE_HEADER, signWebhook } from '../../tracking/webhook-signature.js';

/** Options of {@link webhookNotifier}. */
export interface WebhookNotifierOptions {
  /** Endpoint that receives every notification. */
  url: string;
  /** Shared secret for the `fulfillkit-signature` header; verify it with `verifyWebhook`. */
  secret: string;
  /**
   * Adapter id.
   * @defaultValue 'webhook'
   */
  id?: string;
  /**
   * Channels the endpoint handles.
   * @defaultValue ['email', 'sms', 'push', 'webhook']
   */
  channels?: readonly NotificationChannel[];
  /**
   * The fetch implementation.
   * @defaultValue globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Milliseconds one attempt may take before it is aborted and retried.
   * @defaultValue 10000
   */
  timeoutMs?: number;
  /**
   * Extra attempts after the first, for network errors, timeouts, 408, 429 and 5xx answers.
   * @defaultValue 2
   */
  retries?: number;
  /**
   * Wait before the first retry in milliseconds; doubles each time.
   * @defaultValue 250
   */
  backoffMs?: number;
  /**
   * Extra headers sent with every request (e.g. an API key).
   * @defaultValue {}
   */
  headers?: Record<string, string>;
  /**
   * Time source for signature timestamps.
   * @defaultValue systemClock
   */
  clock?: Clock;
}

/**
 * POSTs each notification as JSON `{ template, to, channel, data, idempotencyKey }`
 * with `fulfillkit-signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` and
 * `idempotency-key` headers. Network errors, timeouts, 408, 429 and 5xx are
 * retried with backoff; when retries run out it throws a retryable
 * `ADAPTER_ERROR` (the outbox tries again later). Other 4xx answers throw a
 * non-retryable one. The endpoint should drop repeats of an idempotency key.
 *
 * @example
 * ```ts
 * const notifier = webhookNotifier({ url: 'https://shop.example/hooks/fulfillment', secret: process.env.NOTIFY_SECRET! });
 * // In the receiving endpoint:
 * await verifyWebhook({ secret: process.env.NOTIFY_SECRET!, payload: rawBody, header: req.headers['fulfillkit-signature'] });
 * ```
 */
export function webhookNotifier(options: WebhookNotifierOptions): NotificationAdapter {
  const id = options.id ?? 'webhook';
  const clock = options.clock ?? systemClock;
  const retries = options.retries ?? 2;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const backoffMs = options.backoffMs ?? 250;

  return {
    id,
    capabilities: { channels: [...(options.channels ?? ['email', 'sms', 'push', 'webhook'])] },

    async send(notification) {
      const { template, to, channel, data, idempotencyKey } = notification;
      const body = JSON.stringify({ template, to, channel, data, idempotencyKey });
      const doFetch = options.fetch ?? globalThis.fetch;
      let lastProblem = '';
      for (let attempt = 1; attempt <= retries + 1; attempt++) {
        if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2));
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), timeoutMs);
        try {
          const signature = await signWebhook({ secret: options.secret, payload: body, timestamp: clock.now() });
          const response = await doFetch(options.url, {
            method: 'POST',
            body,
            signal: controller.signal,
            headers: {
              ...options.headers,
              'content-type': 'application/json',
              [SIGNATURE_HEADER]: signature,
              'idempotency-key': idempotencyKey,
            },
          });
          const text = await response.text();
          if (response.ok) return { messageId: messageIdFrom(text) };
          lastProblem = `HTTP ${response.status}`;
          if (!isRetryableStatus(response.status)) {
            throw new FulfillmentError('ADAPTER_ERROR', `Notification endpoint refused ${template}: ${lastProblem}`, {
              details: { notifier: id, status: response.status, attempts: attempt, body: text.slice(0, 500) },
            });
          }
        } catch (err) {
          if (err instanceof FulfillmentError) throw err;
          lastProblem = controller.signal.aborted ? `timed out after ${timeoutMs} ms` : String((err as Error)?.message ?? err);
        } finally {
          clearTimeout(timer);
        }
      }
      throw new FulfillmentError('ADAPTER_ERROR', `Notification ${template} not delivered after ${retries + 1} attempts: ${lastProblem}`, {
        retryable: true,
        details: { notifier: id, attempts: retries + 1, lastProblem },
      });
    },
  };
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function messageIdFrom(text: string): string | null {
  try {
    const parsed = JSON.parse(text) as { id?: unknown; messageId?: unknown };
    const value = parsed.messageId ?? parsed.id;
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
