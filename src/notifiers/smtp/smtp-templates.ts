// Default customer emails for every milestone, in English, German, French and
// Spanish, and the small renderer that fills them in (text and escaped HTML).
import { formatMoney } from '../../domain/money.js';
import type { NotificationTemplate } from '../../ports/notifier.js';

/**
 * One email template. `{{name}}` is replaced by `data.name`; a line whose
 * placeholders are all empty (null, missing, '') is left out, so optional
 * facts such as a tracking link need no conditionals.
 */
export interface EmailTemplate {
  subject: string;
  text: string;
}

/** Templates of one language. */
export type EmailTemplateSet = Record<NotificationTemplate, EmailTemplate>;

/** A rendered message. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const en: EmailTemplateSet = {
  'order.confirmed': {
    subject: 'Order {{reference}} confirmed',
    text: 'Hello {{customerName}},\n\nthank you for your order {{reference}} of {{total}}. We will let you know when it ships.',
  },
  'order.backordered': {
    subject: 'Order {{reference}}: some items are on backorder',
    text: 'Hello {{customerName}},\n\nsome items of your order {{reference}} are not in stock yet. We will ship them as soon as they arrive.',
  },
  'order.payment_failed': {
    subject: 'Order {{reference}}: payment failed',
    text: 'Hello {{customerName}},\n\nthe payment for your order {{reference}} did not go through: {{reason}}.\nPlease try another payment method.',
  },
  'order.cancelled': {
    subject: 'Order {{reference}} cancelled',
    text: 'Hello {{customerName}},\n\nyour order {{reference}} has been cancelled.\nReason: {{reason}}',
  },
  'shipment.shipped': {
    subject: 'Order {{reference}} is on its way',
    text: 'Hello {{customerName}},\n\na parcel of your order {{reference}} has shipped with {{carrier}}.\nTracking number: {{trackingNumber}}\nTrack it: {{trackingUrl}}',
  },
  'shipment.out_for_delivery': {
    subject: 'Order {{reference}} is out for delivery',
    text: 'Hello {{customerName}},\n\nyour parcel {{trackingNumber}} is out for delivery today.\nTrack it: {{trackingUrl}}',
  },
  'shipment.delivered': {
    subject: 'Order {{reference}} delivered',
    text: 'Hello {{customerName}},\n\nyour parcel {{trackingNumber}} has been delivered. Enjoy!',
  },
  'shipment.delivery_failed': {
    subject: 'Order {{reference}}: delivery attempt failed',
    text: 'Hello {{customerName}},\n\nthe carrier could not deliver your parcel {{trackingNumber}} (attempt {{attempt}}).\nTrack it: {{trackingUrl}}',
  },
  'payment.refunded': {
    subject: 'Order {{reference}}: refund of {{refund}}',
    text: 'Hello {{customerName}},\n\nwe have refunded {{refund}} for your order {{reference}}. It may take a few days to reach your account.',
  },
  'return.received': {
    subject: 'Order {{reference}}: return received',
    text: 'Hello {{customerName}},\n\nwe have received your return {{returnId}} for order {{reference}}.',
  },
};

const de: EmailTemplateSet = {
  'order.confirmed': {
    subject: 'Bestellung {{reference}} bestätigt',
    text: 'Hallo {{customerName}},\n\nvielen Dank für Ihre Bestellung {{reference}} über {{total}}. Wir melden uns, sobald sie versandt wird.',
  },
  'order.backordered': {
    subject: 'Bestellung {{reference}}: einige Artikel sind nachbestellt',
    text: 'Hallo {{customerName}},\n\neinige Artikel Ihrer Bestellung {{reference}} sind noch nicht vorrätig. Wir versenden sie, sobald sie eintreffen.',
  },
  'order.payment_failed': {
    subject: 'Bestellung {{reference}}: Zahlung fehlgeschlagen',
    text: 'Hallo {{customerName}},\n\ndie Zahlung für Ihre Bestellung {{reference}} ist fehlgeschlagen: {{reason}}.\nBitte wählen Sie eine andere Zahlungsart.',
  },
  'order.cancelled': {
    subject: 'Bestellung {{reference}} storniert',
    text: 'Hallo {{customerName}},\n\nIhre Bestellung {{reference}} wurde storniert.\nGrund: {{reason}}',
  },
  'shipment.shipped': {
    subject: 'Bestellung {{reference}} ist unterwegs',
    text: 'Hallo {{customerName}},\n\nein Paket Ihrer Bestellung {{reference}} wurde mit {{carrier}} versandt.\nSendungsnummer: {{trackingNumber}}\nSendungsverfolgung: {{trackingUrl}}',
  },
  'shipment.out_for_delivery': {
    subject: 'Bestellung {{reference}} wird heute zugestellt',
    text: 'Hallo {{customerName}},\n\nIhr Paket {{trackingNumber}} ist heute in der Zustellung.\nSendungsverfolgung: {{trackingUrl}}',
  },
  'shipment.delivered': {
    subject: 'Bestellung {{reference}} zugestellt',
    text: 'Hallo {{customerName}},\n\nIhr Paket {{trackingNumber}} wurde zugestellt. Viel Freude damit!',
  },
  'shipment.delivery_failed': {
    subject: 'Bestellung {{reference}}: Zustellversuch fehlgeschlagen',
    text: 'Hallo {{customerName}},\n\nder Zusteller konnte Ihr Paket {{trackingNumber}} nicht zustellen (Versuch {{attempt}}).\nSendungsverfolgung: {{trackingUrl}}',
  },
  'payment.refunded': {
    subject: 'Bestellung {{reference}}: Erstattung von {{refund}}',
    text: 'Hallo {{customerName}},\n\nwir haben {{refund}} für Ihre Bestellung {{reference}} erstattet. Die Gutschrift kann einige Tage dauern.',
  },
  'return.received': {
    subject: 'Bestellung {{reference}}: Rücksendung erhalten',
    text: 'Hallo {{customerName}},\n\nwir haben Ihre Rücksendung {{returnId}} zur Bestellung {{reference}} erhalten.',
  },
};

const fr: EmailTemplateSet = {
  'order.confirmed': {
    subject: 'Commande {{reference}} confirmée',
    text: 'Bonjour {{customerName}},\n\nmerci pour votre commande {{reference}} de {{total}}. Nous vous préviendrons de son expédition.',
  },
  'order.backordered': {
    subject: 'Commande {{reference}} : articles en réapprovisionnement',
    text: 'Bonjour {{customerName}},\n\ncertains articles de votre commande {{reference}} ne sont pas encore en stock. Nous les expédierons dès leur arrivée.',
  },
  'order.payment_failed': {
    subject: 'Commande {{reference}} : paiement refusé',
    text: 'Bonjour {{customerName}},\n\nle paiement de votre commande {{reference}} a échoué : {{reason}}.\nVeuillez essayer un autre moyen de paiement.',
  },
  'order.cancelled': {
    subject: 'Commande {{reference}} annulée',
    text: 'Bonjour {{customerName}},\n\nvotre commande {{reference}} a été annulée.\nMotif : {{reason}}',
  },
  'shipment.shipped': {
    subject: 'Commande {{reference}} expédiée',
    text: 'Bonjour {{customerName}},\n\nun colis de votre commande {{reference}} a été expédié avec {{carrier}}.\nNuméro de suivi : {{trackingNumber}}\nSuivi : {{trackingUrl}}',
  },
  'shipment.out_for_delivery': {
    subject: 'Commande {{reference}} en cours de livraison',
    text: 'Bonjour {{customerName}},\n\nvotre colis {{trackingNumber}} est en cours de livraison aujourd’hui.\nSuivi : {{trackingUrl}}',
  },
  'shipment.delivered': {
    subject: 'Commande {{reference}} livrée',
    text: 'Bonjour {{customerName}},\n\nvotre colis {{trackingNumber}} a été livré.',
  },
  'shipment.delivery_failed': {
    subject: 'Commande {{reference}} : échec de livraison',
    text: 'Bonjour {{customerName}},\n\nle transporteur n’a pas pu livrer votre colis {{trackingNumber}} (tentative {{attempt}}).\nSuivi : {{trackingUrl}}',
  },
  'payment.refunded': {
    subject: 'Commande {{reference}} : remboursement de {{refund}}',
    text: 'Bonjour {{customerName}},\n\nnous avons remboursé {{refund}} pour votre commande {{reference}}. Le crédit peut prendre quelques jours.',
  },
  'return.received': {
    subject: 'Commande {{reference}} : retour reçu',
    text: 'Bonjour {{customerName}},\n\nnous avons bien reçu votre retour {{returnId}} pour la commande {{reference}}.',
  },
};

const es: EmailTemplateSet = {
  'order.confirmed': {
    subject: 'Pedido {{reference}} confirmado',
    text: 'Hola {{customerName}}:\n\ngracias por tu pedido {{reference}} de {{total}}. Te avisaremos cuando salga.',
  },
  'order.backordered': {
    subject: 'Pedido {{reference}}: algunos artículos están pendientes',
    text: 'Hola {{customerName}}:\n\nalgunos artículos de tu pedido {{reference}} aún no están en stock. Los enviaremos en cuanto lleguen.',
  },
  'order.payment_failed': {
    subject: 'Pedido {{reference}}: pago rechazado',
    text: 'Hola {{customerName}}:\n\nel pago de tu pedido {{reference}} no se ha completado: {{reason}}.\nPrueba con otro método de pago.',
  },
  'order.cancelled': {
    subject: 'Pedido {{reference}} cancelado',
    text: 'Hola {{customerName}}:\n\ntu pedido {{reference}} ha sido cancelado.\nMotivo: {{reason}}',
  },
  'shipment.shipped': {
    subject: 'Pedido {{reference}} enviado',
    text: 'Hola {{customerName}}:\n\nun paquete de tu pedido {{reference}} ha salido con {{carrier}}.\nNúmero de seguimiento: {{trackingNumber}}\nSeguimiento: {{trackingUrl}}',
  },
  'shipment.out_for_delivery': {
    subject: 'Pedido {{reference}} en reparto',
    text: 'Hola {{customerName}}:\n\ntu paquete {{trackingNumber}} está en reparto hoy.\nSeguimiento: {{trackingUrl}}',
  },
  'shipment.delivered': {
    subject: 'Pedido {{reference}} entregado',
    text: 'Hola {{customerName}}:\n\ntu paquete {{trackingNumber}} ha sido entregado.',
  },
  'shipment.delivery_failed': {
    subject: 'Pedido {{reference}}: entrega fallida',
    text: 'Hola {{customerName}}:\n\nel transportista no pudo entregar tu paquete {{trackingNumber}} (intento {{attempt}}).\nSeguimiento: {{trackingUrl}}',
  },
  'payment.refunded': {
    subject: 'Pedido {{reference}}: reembolso de {{refund}}',
    text: 'Hola {{customerName}}:\n\nhemos reembolsado {{refund}} de tu pedido {{reference}}. Puede tardar unos días en llegar a tu cuenta.',
  },
  'return.received': {
    subject: 'Pedido {{reference}}: devolución recibida',
    text: 'Hola {{customerName}}:\n\nhemos recibido tu devolución {{returnId}} del pedido {{reference}}.',
  },
};

/**
 * The built-in templates, by language subtag.
 *
 * @example
 * ```ts
 * DEFAULT_EMAIL_TEMPLATES.de['shipment.shipped'].subject; // 'Bestellung {{reference}} ist unterwegs'
 * ```
 */
export const DEFAULT_EMAIL_TEMPLATES: Readonly<Record<string, EmailTemplateSet>> = { en, de, fr, es };

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/**
 * Fill `template` from `data`. Values derived for every message:
 * `refund` (the formatted `amount` + `currency` of a refund) and
 * `reference` falling back to `orderId`.
 *
 * @example
 * ```ts
 * const { subject, text, html } = renderEmail(
 *   { subject: 'Order {{reference}} shipped', text: 'Tracking: {{trackingNumber}}' },
 *   { reference: 'R-1', trackingNumber: '1Z999' },
 *   'en-US',
 * );
 * ```
 */
export function renderEmail(template: EmailTemplate, data: Record<string, unknown>, locale: string): RenderedEmail {
  const values = derivedValues(data, locale);
  const subject = fill(template.subject, values).replace(/[\r\n]+/g, ' ').trim();
  const lines = template.text.split('\n').filter((line) => keepLine(line, values));
  const text = lines.map((line) => fill(line, values)).join('\n');
  const paragraphs = lines
    .join('\n')
    .split(/\n{2,}/)
    .map((para) => `<p>${para.split('\n').map((line) => fillHtml(line, values)).join('<br>\n')}</p>`);
  const html = `<!doctype html>\n<html lang="${escapeHtml(locale)}"><body>\n${paragraphs.join('\n')}\n</body></html>\n`;
  return { subject, text, html };
}

function derivedValues(data: Record<string, unknown>, locale: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values[key] = String(value);
  }
  if (values.reference === undefined && values.orderId !== undefined) values.reference = values.orderId;
  if (typeof data.amount === 'number' && typeof data.currency === 'string') {
    try {
      values.refund = formatMoney({ amount: data.amount, currency: data.currency }, locale);
    } catch {
      values.refund = `${data.amount} ${data.currency}`;
    }
  }
  return values;
}

function keepLine(line: string, values: Record<string, string>): boolean {
  const names = [...line.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
  return names.length === 0 || names.some((name) => (values[name] ?? '') !== '');
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => values[name] ?? '');
}

function fillHtml(text: string, values: Record<string, string>): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    out += escapeHtml(text.slice(last, match.index));
    const value = values[match[1] as string] ?? '';
    out += /^https?:\/\//.test(value) ? `<a href="${escapeHtml(value)}">${escapeHtml(value)}</a>` : escapeHtml(value);
    last = (match.index ?? 0) + match[0].length;
  }
  return out + escapeHtml(text.slice(last));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
