// The SMTP notifier through nodemailer to a loopback smtp-server, messages parsed back with mailparser.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTIFICATION_TEMPLATES, type Notification } from '../../src/index.js';
import { DEFAULT_EMAIL_TEMPLATES, smtpNotifier } from '../../src/smtp.js';
import { describeNotifierConformance } from '../../src/testing.js';
import { type SmtpFake, startSmtpFake } from '../fakes/smtp-fake.js';

let smtp: SmtpFake;
beforeAll(async () => {
  smtp = await startSmtpFake();
});
afterAll(() => smtp.close());

const transport = () => nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
const FROM = 'Acme Shop <orders@acme.example>';
const notification = (over: Partial<Notification> = {}): Notification => ({
  channel: 'email',
  to: 'ada@example.com',
  template: 'shipment.shipped',
  data: { orderId: 'ord_1', reference: 'R-1001', customerName: 'Ada', carrier: 'easypost', trackingNumber: 'EZ1', trackingUrl: 'https://track.example/EZ1' },
  idempotencyKey: `notify:smtp:${Math.random().toString(36).slice(2)}`,
  ...over,
});
const byKey = (key: string) => smtp.received.filter((m) => m.header('x-fulfillkit-idempotency-key') === key);

describeNotifierConformance(
  'smtp (nodemailer to smtp-server)',
  () => smtpNotifier({ transport: transport(), from: FROM, headers: (n) => ({ 'X-Test-Data': Buffer.from(JSON.stringify(n.data)).toString('base64') }) }),
  {
    delivered: () =>
      smtp.received.map((m) => ({
        channel: 'email' as const,
        to: m.to,
        template: m.header('x-fulfillkit-template') as Notification['template'],
        data: JSON.parse(Buffer.from(m.header('x-test-data') ?? 'e30=', 'base64').toString('utf8')),
        idempotencyKey: m.header('x-fulfillkit-idempotency-key') ?? '',
      })),
    unavailable: () => smtpNotifier({ transport: nodemailer.createTransport({ host: '127.0.0.1', port: 1, connectionTimeout: 500 }), from: FROM }),
  },
);

describe('smtpNotifier', () => {
  it('sends subject, text and HTML with a Message-ID derived from the idempotency key', async () => {
    const notifier = smtpNotifier({ transport: transport(), from: FROM });
    const n = notification();
    const { messageId } = await notifier.send(n);
    const [mail] = byKey(n.idempotencyKey);
    expect(mail?.parsed.messageId).toBe(messageId);
    expect(messageId).toMatch(/^<[0-9a-f]{40}@acme\.example>$/);
    expect(mail?.parsed.subject).toBe('Order R-1001 is on its way');
    expect(mail?.parsed.text).toContain('Tracking number: EZ1');
    expect(mail?.parsed.html).toContain('<a href="https://track.example/EZ1">');
    expect(mail?.parsed.from?.text).toContain('orders@acme.example');
    const other = smtpNotifier({ transport: transport(), from: FROM });
    expect((await other.send({ ...n })).messageId, 'another process derives the same Message-ID').toBe(messageId);
  });

  it('localizes by data.locale, falling back from region to language to the default', async () => {
    const notifier = smtpNotifier({ transport: transport(), from: FROM });
    const de = notification({ data: { ...notification().data, locale: 'de-AT' } });
    await notifier.send(de);
    expect(byKey(de.idempotencyKey)[0]?.parsed.subject).toBe('Bestellung R-1001 ist unterwegs');
    expect(byKey(de.idempotencyKey)[0]?.header('content-language')).toBe('de');
    const xx = notification({ data: { ...notification().data, locale: 'xx-YY' } });
    await notifier.send(xx);
    expect(byKey(xx.idempotencyKey)[0]?.parsed.subject).toBe('Order R-1001 is on its way');
  });

  it('formats refunds in the customer’s locale and leaves out lines whose facts are missing', async () => {
    const notifier = smtpNotifier({ transport: transport(), from: FROM });
    const refund = notification({ template: 'payment.refunded', data: { orderId: 'ord_2', reference: 'R-2', customerName: 'Jean', amount: 1250, currency: 'EUR', locale: 'fr-FR' } });
    await notifier.send(refund);
    expect(byKey(refund.idempotencyKey)[0]?.parsed.subject).toMatch(/^Commande R-2 : remboursement de 12,50\s€$/);
    const shipped = notification({ data: { orderId: 'ord_3', reference: 'R-3', customerName: 'Ada', carrier: 'ups', trackingNumber: '1Z', trackingUrl: null } });
    await notifier.send(shipped);
    expect(byKey(shipped.idempotencyKey)[0]?.parsed.text).not.toContain('Track it');
  });

  it('escapes data in HTML and keeps header injection out of the subject', async () => {
    const notifier = smtpNotifier({ transport: transport(), from: FROM });
    const n = notification({ data: { ...notification().data, customerName: '<script>x</script>', reference: 'R-1\r\nBcc: evil@example.com' } });
    await notifier.send(n);
    const [mail] = byKey(n.idempotencyKey);
    expect(mail?.parsed.html).not.toContain('<script>');
    expect(mail?.parsed.bcc).toBeUndefined();
    expect(mail?.parsed.headers.has('bcc')).toBe(false);
  });

  it('uses template overrides and a custom renderer', async () => {
    const notifier = smtpNotifier({
      transport: transport(),
      from: FROM,
      templates: { en: { 'shipment.delivered': { subject: 'Arrived: {{reference}}', text: 'It is there.' } } },
      render: (n) => (n.template === 'order.confirmed' ? { subject: 'Custom', text: 'custom text', html: '<p>custom</p>' } : null),
    });
    const delivered = notification({ template: 'shipment.delivered' });
    const confirmed = notification({ template: 'order.confirmed' });
    await notifier.send(delivered);
    await notifier.send(confirmed);
    expect(byKey(delivered.idempotencyKey)[0]?.parsed.subject).toBe('Arrived: R-1001');
    expect(byKey(confirmed.idempotencyKey)[0]?.parsed.subject).toBe('Custom');
  });

  it('has a default template for every milestone in every built-in language', () => {
    for (const [language, set] of Object.entries(DEFAULT_EMAIL_TEMPLATES)) {
      for (const template of NOTIFICATION_TEMPLATES) {
        expect(set[template]?.subject, `${language} ${template}`).toBeTruthy();
        expect(set[template]?.text, `${language} ${template}`).toBeTruthy();
      }
    }
  });

  it('a 4xx reply is retryable, a 5xx reply is final, and neither reports success', async () => {
    const notifier = smtpNotifier({ transport: transport(), from: FROM });
    smtp.failNext(451, 'Requested action aborted: try again later');
    const n = notification();
    await expect(notifier.send(n)).rejects.toMatchObject({ code: 'ADAPTER_ERROR', retryable: true, details: { responseCode: 451 } });
    expect(byKey(n.idempotencyKey)).toHaveLength(0);
    await notifier.send(n);
    expect(byKey(n.idempotencyKey), 'the retry delivers').toHaveLength(1);
    smtp.failNext(550, 'Mailbox unavailable');
    await expect(notifier.send(notification())).rejects.toMatchObject({ code: 'ADAPTER_ERROR', retryable: false, details: { responseCode: 550 } });
  });

  it('refuses channels other than email and a missing transport', async () => {
    const notifier = smtpNotifier({ transport: transport(), from: FROM });
    await expect(notifier.send(notification({ channel: 'sms' }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(() => smtpNotifier({ transport: undefined as never, from: FROM })).toThrow(expect.objectContaining({ code: 'CONFIGURATION_ERROR' }));
  });
});
