// The README's production wiring: Stripe payments, EasyPost labels and SMTP email on PostgreSQL.
// Type-checked with the rest of the repository; run it with real keys in the environment.
import nodemailer from 'nodemailer';
import pg from 'pg';
import Stripe from 'stripe';
import { createFulfillment } from 'fulfillkit';
import { easypostCarrier } from 'fulfillkit/easypost';
import { migrate, postgresStorage } from 'fulfillkit/postgres';
import { smtpNotifier } from 'fulfillkit/smtp';
import { stripePayment } from 'fulfillkit/stripe';

const env = (name: string): string => process.env[name] ?? '';

// --- production wiring ---
const pool = new pg.Pool({ connectionString: env('DATABASE_URL') });
await migrate({ client: pool });

const ff = createFulfillment({
  storage: postgresStorage({ client: pool }),
  locations: [{ id: 'austin', name: 'Austin DC',
    address: { name: 'Acme Austin', line1: '1 Dock St', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' } }],
  payments: stripePayment({
    client: new Stripe(env('STRIPE_SECRET_KEY')),
    webhookSecret: env('STRIPE_WEBHOOK_SECRET'), // endpoint secret: payment_intent.*, charge.refunded
  }),
  carriers: [easypostCarrier({
    apiKey: env('EASYPOST_API_KEY'),
    webhookSecret: env('EASYPOST_WEBHOOK_SECRET'), // tracker.updated, refund.successful
    labelFormat: 'PDF',
  })],
  notifier: smtpNotifier({
    transport: nodemailer.createTransport(env('SMTP_URL')), // smtps://user:pass@smtp.example.com
    from: 'Acme Shop <orders@acme.example>',
  }),
  policy: { capture: 'on_ship', rateSelection: 'cheapest' },
});

// Hand both webhooks over as raw bytes, exactly as received:
// app.post('/webhooks/stripe', (req) => ff.payments.handleWebhook('stripe', { headers: req.headers, rawBody: req.body }));
// app.post('/webhooks/easypost', (req) => ff.tracking.handleWebhook('easypost', { headers: req.headers, rawBody: req.body }));
setInterval(() => ff.outbox.dispatch(), 5_000);
// --- end ---
