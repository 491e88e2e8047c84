// Customer notifications become outbox messages, one per notifier serving
// the channel, each with a key that makes a repeat a no-op.
import { formatMoney } from '../domain/money.js';
import type { Order } from '../domain/order.js';
import type { NotificationTemplate } from '../ports/notifier.js';
import type { OutboxMessageInput } from '../ports/storage.js';
import type { EngineContext } from './context.js';

/**
 * Outbox messages for one notification. `discriminator` tells apart repeats
 * of a template that are genuinely different messages (two shipments).
 */
export function notify(
  ctx: EngineContext,
  order: Order,
  template: NotificationTemplate,
  discriminator: string,
  data: Record<string, unknown> = {},
): OutboxMessageInput[] {
  const channel = ctx.policy.notificationChannel;
  const to = channel === 'sms' ? order.customer.phone : order.customer.email;
  if (!to) return [];
  const messages: OutboxMessageInput[] = [];
  for (const notifier of ctx.notifiers) {
    if (!notifier.capabilities.channels.includes(channel)) continue;
    const key = `notify:${notifier.id}:${order.id}:${template}:${discriminator}`;
    messages.push({
      topic: 'notification',
      key,
      payload: {
        notifierId: notifier.id,
        notification: {
          channel,
          to,
          template,
          idempotencyKey: key,
          data: {
            orderId: order.id,
            reference: order.reference,
            customerName: order.customer.name ?? order.shippingAddress.name,
            total: formatMoney(order.totals.total, order.customer.locale ?? 'en-US'),
            // Notifiers that localize (email templates) read the customer's language here.
            ...(order.customer.locale === undefined ? {} : { locale: order.customer.locale }),
            ...data,
          },
        },
      },
    });
  }
  return messages;
}
