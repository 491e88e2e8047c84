// Console pages about orders: the board (counts per status, filter, list)
// and the order page (lines, shipments, timeline, machine diagram, actions).
import type { DomainEvent } from '../../domain/events.js';
import { formatMoney } from '../../domain/money.js';
import type { Order } from '../../domain/order.js';
import { ORDER_STATUSES, type OrderStatus } from '../../domain/status.js';
import type { Fulfillment } from '../../engine/create-fulfillment.js';
import { allows } from '../access.js';
import { orderDiagram } from './diagram-view.js';
import { type SafeHtml, html } from './html.js';
import { type PageContext, formFields, status } from './layout.js';

const COUNT_CAP = 200;

/** Orders board: counts per status, then the orders of the chosen status. */
export async function boardPage(ff: Fulfillment, ctx: PageContext, query: URLSearchParams): Promise<SafeHtml> {
  const chosen = ORDER_STATUSES.find((s) => s === query.get('status')) ?? null;
  const counts = await Promise.all(
    ORDER_STATUSES.map(async (s) => {
      const page = await ff.orders.list({ status: s, limit: COUNT_CAP });
      return [s, page.items.length, page.nextCursor !== null] as const;
    }),
  );
  const cursor = query.get('cursor');
  const page = await ff.orders.list({ ...(chosen ? { status: chosen } : {}), limit: 50, cursor: cursor && cursor.length <= 200 ? cursor : null });
  const tiles = counts.map(
    ([s, n, more]) =>
      html`<a href="${ctx.base}?status=${s}" ${chosen === s ? html`aria-current="true"` : ''}><b>${n}${more ? '+' : ''}</b>${s.replace(/_/g, ' ')}</a>`,
  );
  const rows = page.items.map(
    (o) => html`<tr><td><a href="${ctx.base}/orders/${encodeURIComponent(o.id)}">${o.reference ?? o.id}</a></td>
      <td>${o.customer.name ?? o.customer.email}</td><td>${status(o.status)}</td>
      <td class="wide">${o.lines.reduce((n, l) => n + l.quantity, 0)} units</td><td class="wide">${formatMoney(o.totals.total)}</td>
      <td class="wide muted">${o.createdAt.slice(0, 16).replace('T', ' ')}</td></tr>`,
  );
  const next = page.nextCursor
    ? html`<p><a href="${ctx.base}?${new URLSearchParams({ ...(chosen ? { status: chosen } : {}), cursor: page.nextCursor }).toString()}">Next page →</a></p>`
    : '';
  return html`<nav class="counts" aria-label="Orders per status"><a href="${ctx.base}" ${chosen === null ? html`aria-current="true"` : ''}><b>all</b>orders</a>${tiles}</nav>
    <div class="table-wrap"><table><thead><tr><th>Order</th><th>Customer</th><th>Status</th><th class="wide">Units</th><th class="wide">Total</th><th class="wide">Placed</th></tr></thead>
    <tbody>${rows.length ? rows : html`<tr><td colspan="6" class="muted">No orders${chosen ? html` with status ${chosen}` : ''}.</td></tr>`}</tbody></table></div>${next}`;
}

function eventSummary(e: DomainEvent): string {
  const data = e.data as Record<string, unknown>;
  if (e.type === 'order.status_changed' || e.type === 'shipment.status_changed') return `${String(data.from)} → ${String(data.to)}`;
  const text = JSON.stringify(data);
  return text === '{}' ? '' : text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function shipmentActions(ctx: PageContext, order: Order, s: Order['shipments'][number]): SafeHtml {
  const id = encodeURIComponent(s.id);
  const links: SafeHtml[] = [];
  if (s.status === 'pending' || s.status === 'picking') links.push(html`<a href="${ctx.base}/pick/${encodeURIComponent(s.locationId)}">Pick</a>`);
  if (s.status === 'picking') links.push(html`<a href="${ctx.base}/shipments/${id}/pack">Pack</a>`);
  if (s.status === 'packed') links.push(html`<a href="${ctx.base}/shipments/${id}/ship">Ship</a>`);
  if (s.parcels.length) links.push(html`<a href="${ctx.base}/shipments/${id}/slip">Packing slip</a>`);
  if (s.label) links.push(html`<a href="${ctx.base}/shipments/${id}/label">Label</a>`);
  return html`${links.map((l, i) => html`${i ? ' · ' : ''}${l}`)}${order.status === 'on_hold' ? html` <span class="muted">(on hold)</span>` : ''}`;
}

function actions(ctx: PageContext, order: Order): SafeHtml {
  const role = ctx.principal?.role;
  if (!role) return html``;
  const id = encodeURIComponent(order.id);
  const open: OrderStatus[] = ['pending_payment', 'payment_failed', 'backordered', 'processing', 'partially_shipped', 'on_hold'];
  const forms: SafeHtml[] = [];
  if (allows(role, 'hold') && order.status === 'on_hold') {
    forms.push(html`<form method="post" action="${ctx.base}/orders/${id}/release">${formFields(ctx)}<button type="submit">Release hold</button></form>`);
  } else if (allows(role, 'hold') && open.includes(order.status)) {
    forms.push(html`<form method="post" action="${ctx.base}/orders/${id}/hold">${formFields(ctx)}<label>Hold reason <input name="reason" required maxlength="500"></label><button type="submit">Hold</button></form>`);
  }
  if (allows(role, 'cancel') && open.includes(order.status)) {
    forms.push(html`<form method="post" action="${ctx.base}/orders/${id}/cancel" data-confirm="Cancel this order?">${formFields(ctx)}<label>Cancel reason <input name="reason" required maxlength="500"></label><button class="danger" type="submit">Cancel order</button></form>`);
  }
  const returnable = order.lines.filter((l) => l.shipped - l.returned > 0);
  if (allows(role, 'returns.request') && returnable.length && ['delivered', 'partially_delivered', 'partially_returned'].includes(order.status)) {
    forms.push(html`<form method="post" action="${ctx.base}/orders/${id}/returns">${formFields(ctx)}<b>Open a return</b>
      ${returnable.map((l) => html`<label>${l.name ?? l.sku} (${l.sku}) <input type="number" name="qty:${l.sku}" min="0" max="${l.shipped - l.returned}" value="0"></label>`)}
      <label>Reason <input name="reason" required maxlength="500"></label><button type="submit">Request return</button></form>`);
  }
  return forms.length ? html`<section class="card no-print"><h2>Actions</h2><div class="grid">${forms}</div></section>` : html``;
}

/** One order: what it holds, where its shipments are, what happened to it. */
export async function orderPage(ff: Fulfillment, ctx: PageContext, order: Order): Promise<SafeHtml> {
  const history = await ff.orders.history(order.id);
  const a = order.shippingAddress;
  const lines = order.lines.map(
    (l) => html`<tr><td>${l.sku}</td><td>${l.name ?? ''}</td><td>${l.quantity}</td><td class="wide">${formatMoney(l.unitPrice)}</td>
      <td class="wide">${l.backordered ? html`${l.backordered} backordered ` : ''}${l.cancelled ? html`${l.cancelled} cancelled ` : ''}${l.shipped ? html`${l.shipped} shipped ` : ''}${l.returned ? html`${l.returned} returned` : ''}</td></tr>`,
  );
  const shipments = order.shipments.map(
    (s) => html`<tr><td>${s.id}</td><td>${s.locationId}</td><td>${status(s.status)}</td>
      <td class="wide">${s.label ? html`${s.rate?.carrierId ?? ''} ${s.label.trackingNumber}` : ''}</td><td>${shipmentActions(ctx, order, s)}</td></tr>`,
  );
  const timeline = history.map((e) => html`<li><time datetime="${e.at}">${e.at.slice(0, 16).replace('T', ' ')}</time><b>${e.type}</b> <span class="muted">${eventSummary(e)}</span></li>`);
  return html`<p>${status(order.status)} <span class="muted">${order.id} · placed ${order.createdAt.slice(0, 16).replace('T', ' ')} · ${formatMoney(order.totals.total)} · payment ${order.payment.status}</span></p>
    ${order.hold ? html`<p class="alert">On hold: ${order.hold.reason}</p>` : ''}
    <div class="grid">
      <section class="card"><h2>Customer</h2><p>${order.customer.name ?? ''}<br>${order.customer.email}</p>
        <p class="muted">${a.name}<br>${a.line1}${a.line2 ? html`<br>${a.line2}` : ''}<br>${a.postalCode} ${a.city}${a.region ? html`, ${a.region}` : ''}<br>${a.country}</p>
        ${order.notes ? html`<p><b>Notes:</b> ${order.notes}</p>` : ''}${order.giftMessage ? html`<p><b>Gift message:</b> ${order.giftMessage}</p>` : ''}</section>
      ${orderDiagram(order)}
    </div>
    <h2>Lines</h2><div class="table-wrap"><table><thead><tr><th>SKU</th><th>Item</th><th>Qty</th><th class="wide">Price</th><th class="wide">State</th></tr></thead><tbody>${lines}</tbody></table></div>
    <h2>Shipments</h2><div class="table-wrap"><table><thead><tr><th>Shipment</th><th>From</th><th>Status</th><th class="wide">Tracking</th><th>Next</th></tr></thead>
    <tbody>${shipments.length ? shipments : html`<tr><td colspan="5" class="muted">No shipments yet.</td></tr>`}</tbody></table></div>
    ${actions(ctx, order)}
    <section class="card"><h2>Timeline</h2><ol class="timeline">${timeline}</ol></section>`;
}
