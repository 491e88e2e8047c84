// Customer email over an injected nodemailer transport: localized templates,
// a Message-ID derived from the idempotency key, 4xx retried and 5xx final.
import { FulfillmentError } from '../../domain/errors.js';
import type { AdapterCallOptions } from '../../ports/carrier.js';
import type { Notification, NotificationAdapter, NotificationTemplate, SendResult } from '../../ports/notifier.js';
import { raceSignal } from '../../providers/call-options.js';
import { DEFAULT_EMAIL_TEMPLATES, type EmailTemplate, type EmailTemplateSet, type RenderedEmail, renderEmail } from './smtp-templates.js';

/** The message the adapter hands to the transport (a subset of nodemailer's `Mail.Options`). */
export interface SmtpMail {
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
}

/** The part of a nodemailer transport the adapter uses: `nodemailer.createTransport(...)` satisfies it. */
export interface SmtpTransportLike {
  sendMail(mail: SmtpMail): Promise<{ messageId?: string; accepted?: unknown[]; rejected?: unknown[] }>;
}

/** Options of {@link smtpNotifier}. */
export interface SmtpNotifierOptions {
  /** A nodemailer transport (`nodemailer` is an optional peer dependency). */
  transport: SmtpTransportLike;
  /** Sender, e.g. `'Acme Shop <orders@acme.example>'`. */
  from: string;
  /**
   * Reply-To address.
   * @defaultValue none
   */
  replyTo?: string;
  /**
   * Adapter id (part of every notification's idempotency key).
   * @defaultValue 'smtp'
   */
  id?: string;
  /**
   * Domain of generated Message-IDs (`<key-hash@domain>`).
   * @defaultValue the domain of `from`
   */
  messageIdDomain?: string;
  /**
   * Template overrides by language (`en`, `de`, `de-AT`, ...), merged over the defaults per template.
   * @defaultValue {}
   */
  templates?: Record<string, Partial<Record<NotificationTemplate, EmailTemplate>>>;
  /**
   * Render a message yourself (a React Email or MJML pipeline); return `null` to use the templates.
   * @defaultValue none
   */
  render?(notification: Notification, locale: string): RenderedEmail | null | Promise<RenderedEmail | null>;
  /**
   * Language when a notification carries no `data.locale`, or one without templates.
   * @defaultValue 'en'
   */
  defaultLocale?: string;
  /**
   * Extra headers per message (an ESP's tag or configuration-set header, `List-Unsubscribe`).
   * @defaultValue none
   */
  headers?(notification: Notification): Record<string, string>;
  /**
   * How many recently sent idempotency keys this process remembers, so a retry
   * after a lost acknowledgement does not send again. Across processes the
   * stable Message-ID lets the receiving side drop the repeat.
   * @defaultValue 10000
   */
  rememberKeys?: number;
}

/**
 * Email notifications through SMTP. The recipient's language is taken from
 * `data.locale` (the engine passes the customer's `locale`), falling back to
 * its language subtag and then to `defaultLocale`.
 *
 * @example
 * ```ts
 * import nodemailer from 'nodemailer';
 * import { smtpNotifier } from 'fulfillkit/smtp';
 *
 * const notifier = smtpNotifier({
 *   transport: nodemailer.createTransport(process.env.SMTP_URL),
 *   from: 'Acme Shop <orders@acme.example>',
 * });
 * ```
 */
export function smtpNotifier(options: SmtpNotifierOptions): NotificationAdapter {
  if (options.transport === null || typeof options.transport?.sendMail !== 'function') {
    throw new FulfillmentError('CONFIGURATION_ERROR', 'smtpNotifier needs a nodemailer transport: smtpNotifier({ transport: nodemailer.createTransport(url), from })', {
      details: { option: 'transport' },
    });
  }
  if (typeof options.from !== 'string' || !options.from.includes('@')) {
    throw new FulfillmentError('CONFIGURATION_ERROR', 'smtpNotifier needs a sender address in `from`', { details: { option: 'from' } });
  }
  const id = options.id ?? 'smtp';
  const domain = options.messageIdDomain ?? /@([^>\s]+)/.exec(options.from)?.[1] ?? 'localhost';
  const defaultLocale = options.defaultLocale ?? 'en';
  const remember = options.rememberKeys ?? 10_000;
  const sent = new Map<string, string>();

  const templateFor = (template: NotificationTemplate, locale: string): { template: EmailTemplate; locale: string } => {
    for (const candidate of [locale, locale.split('-')[0] ?? locale, defaultLocale, 'en']) {
      const found = options.templates?.[candidate]?.[template] ?? (DEFAULT_EMAIL_TEMPLATES[candidate] as EmailTemplateSet | undefined)?.[template];
      if (found !== undefined) return { template: found, locale: candidate };
    }
    throw new FulfillmentError('CONFIGURATION_ERROR', `No email template for ${template}`, { details: { template } });
  };

  return {
    id,
    capabilities: { channels: ['email'] },
    async send(notification: Notification, callOptions?: AdapterCallOptions): Promise<SendResult> {
      if (notification.channel !== 'email') {
        throw new FulfillmentError('VALIDATION_FAILED', `smtp sends email, not ${notification.channel}`, {
          details: { issues: [{ path: 'channel', message: 'must be email' }] },
        });
      }
      const messageId = `<${await keyHash(notification.idempotencyKey)}@${domain}>`;
      const already = sent.get(notification.idempotencyKey);
      if (already !== undefined) return { messageId: already };
      const requested = typeof notification.data.locale === 'string' && notification.data.locale !== '' ? notification.data.locale : defaultLocale;
      const custom = options.render === undefined ? null : await options.render(notification, requested);
      const chosen = custom === null ? templateFor(notification.template, requested) : null;
      const rendered = custom ?? renderEmail((chosen as { template: EmailTemplate }).template, notification.data, requested);
      const mail: SmtpMail = {
        from: options.from,
        to: notification.to,
        ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        messageId,
        headers: {
          'X-Fulfillkit-Template': notification.template,
          'X-Fulfillkit-Idempotency-Key': notification.idempotencyKey,
          'Content-Language': chosen?.locale ?? requested,
          ...options.headers?.(notification),
        },
      };
      try {
        const info = await raceSignal(options.transport.sendMail(mail), callOptions?.signal, 'smtp');
        if (Array.isArray(info.rejected) && info.rejected.length > 0 && (info.accepted?.length ?? 0) === 0) {
          throw new FulfillmentError('ADAPTER_ERROR', `smtp: the server rejected ${notification.to}`, {
            retryable: false,
            details: { provider: 'smtp', rejected: info.rejected.map(String) },
          });
        }
        sent.set(notification.idempotencyKey, messageId);
        if (sent.size > remember) sent.delete(sent.keys().next().value as string);
        return { messageId };
      } catch (err) {
        throw toSendError(err);
      }
    },
  };
}

// ---- internals ------------------------------------------------------------

async function keyHash(key: string): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)));
  let hex = '';
  for (const byte of digest.subarray(0, 20)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

// Without a reply code, only a bad message or bad credentials are final; connection trouble is not.
const FINAL_CODES = new Set(['EAUTH', 'EENVELOPE', 'EMESSAGE']);

/** 4xx replies and connection trouble are worth retrying; a 5xx reply is final (RFC 5321 §4.2.1). */
function toSendError(err: unknown): FulfillmentError {
  if (err instanceof FulfillmentError) return err;
  const e = (err ?? {}) as { responseCode?: number; code?: string; response?: string; message?: string };
  const status = typeof e.responseCode === 'number' ? e.responseCode : null;
  const retryable = status !== null ? status >= 400 && status < 500 : !FINAL_CODES.has(e.code ?? '');
  const code = e.code === 'EAUTH' ? 'CONFIGURATION_ERROR' : 'ADAPTER_ERROR';
  return new FulfillmentError(code, `smtp: ${e.response ?? e.message ?? String(err)}`, {
    retryable: code === 'ADAPTER_ERROR' && retryable,
    cause: err,
    details: { provider: 'smtp', ...(status === null ? {} : { responseCode: status }), ...(e.code === undefined ? {} : { smtpCode: e.code }) },
  });
}
