// Console pages for stock (levels per location, reorder alerts, receiving)
// and returns (approve, receive with restock).
import type { LocationLevel } from '../../domain/inventory.js';
import type { Order } from '../../domain/order.js';
import type { OrderStatus } from '../../domain/status.js';
import type { Fulfillment } from '../../engine/create-fulfillment.js';
import { allows } from '../access.js';
import { type SafeHtml, html } from './html.js';
import { type PageContext, formFields, status } from './layout.js';
import type { ConsoleLocation } from './pages-fulfillment.js';

const MAX_SKUS = 500;

/** Every (SKU, location) level, for the stock page and the location list. */
export async function allLevels(ff: Fulfillment): Promise<LocationLevel[]> {
  const skus = (await ff.inventory.skus()).slice(0, MAX_SKUS);
  const levels = await Promise.all(skus.map((sku) => ff.inventory.level(sku)));
  return levels.flatMap((level) => level.locations);
}

/** Stock levels, reorder alerts and the receiving form. */
export async function stockPage(ff: Fulfillment, ctx: PageContext, locations: ConsoleLocation[]): Promise<SafeHtml> {
  const levels = (await allLevels(ff)).sort((a, b) => a.sku.localeCompare(b.sku) || a.locationId.localeCompare(b.locationId));
  const alerts = levels.filter((l) => l.reorderPoint !== null && l.available <= l.reorderPoint);
  const rows = levels.map(
    (l) => html`<tr><td>${l.sku}</td><td>${l.locationId}</td><td class="wide">${l.bin ?? ''}</td><td>${l.onHand}</td><td class="wide">${l.reserved}</td>
      <td>${l.available}</td><td class="wide">${l.reorderPoint ?? ''}</td><td>${l.reorderPoint !== null && l.available <= l.reorderPoint ? html`<span class="alert">reorder</span>` : ''}</td></tr>`,
  );
  const canReceive = ctx.principal !== null && allows(ctx.principal.role, 'inventory.receive');
  const receive = canReceive
    ? html`<form method="post" action="${ctx.base}/stock/receive" class="card no-print" aria-label="Receive stock">${formFields(ctx)}<h2>Receive stock</h2><div class="grid">
      <label>SKU <input name="sku" required maxlength="64"></label>
      <label>Location <select name="locationId">${locations.map((l) => html`<option value="${l.id}">${l.name}</option>`)}</select></label>
      <label>Quantity <input type="number" name="quantity" min="1" required></label>
      <label>Bin (optional) <input name="bin" maxlength="32" placeholder="A-03-2"></label></div><button type="submit">Receive</button></form>`
    : '';
  return html`${
    alerts.length
      ? html`<section class="card" aria-label="Reorder alerts"><h2>Reorder alerts</h2><ul>${alerts.map((a) => html`<li class="alert">${a.sku} at ${a.locationId}: ${a.available} available, reorder point ${a.reorderPoint}</li>`)}</ul></section>`
      : html`<p class="muted">No SKU is at or below its reorder point.</p>`
  }${receive}
    <h2>Levels</h2><div class="table-wrap"><table><thead><tr><th>SKU</th><th>Location</th><th class="wide">Bin</th><th>On hand</th><th class="wide">Reserved</th><th>Available</th><th class="wide">Reorder at</th><th></th></tr></thead>
    <tbody>${rows.length ? rows : html`<tr><td colspan="8" class="muted">No stock recorded.</td></tr>`}</tbody></table></div>`;
}

const WITH_RETURNS: readonly OrderStatus[] = ['delivered', 'partially_delivered', 'partially_returned', 'returned', 'shipped', 'partially_shipped'];

/** Orders holding returns, newest work first. */
async function ordersWithReturns(ff: Fulfillment): Promise<Order[]> {
  const found: Order[] = [];
  for (const s of WITH_RETURNS) {
    let cursor: string | null = null;
    let seen = 0;
    do {
      const page = await ff.orders.list({ status: s, limit: 200, cursor });
      cursor = page.nextCursor;
      seen += page.items.length;
      found.push(...page.items.filter((o) => o.returns.length > 0));
    } while (cursor && seen < 1000);
  }
  return found;
}

/** Returns to approve and receive, and the recent ones. */
export async function returnsPage(ff: Fulfillment, ctx: PageContext): Promise<SafeHtml> {
  const orders = await ordersWithReturns(ff);
  const role = ctx.principal?.role;
  const cards = orders.flatMap((o) =>
    o.returns.map((r) => {
      const id = encodeURIComponent(r.id);
      const approve =
        role && allows(role, 'returns.approve') && r.status === 'requested'
          ? html`<form method="post" action="${ctx.base}/returns/${id}/approve">${formFields(ctx)}<button type="submit">Approve</button></form>`
          : '';
      const receive =
        role && allows(role, 'returns.receive') && (r.status === 'approved' || r.status === 'requested')
          ? html`<form method="post" action="${ctx.base}/returns/${id}/receive" aria-label="Receive return ${r.id}">${formFields(ctx)}
            ${r.lines.map((l) => html`<label>${l.sku}: received <input type="number" name="qty:${l.sku}" min="0" max="${l.quantity}" value="${l.quantity}"> of ${l.quantity}
              <input type="checkbox" name="restock:${l.sku}" value="1" checked aria-label="Restock ${l.sku}"> restock</label>`)}
            <button type="submit">Receive and refund</button></form>`
          : '';
      return html`<section class="card"><h2>Return ${r.id} ${status(r.status)}</h2>
        <p><a href="${ctx.base}/orders/${encodeURIComponent(o.id)}">Order ${o.reference ?? o.id}</a> · ${o.customer.name ?? o.customer.email} · reason: ${r.reason}</p>
        <ul>${r.lines.map((l) => html`<li>${l.quantity} × ${l.sku}${l.received ? html` (${l.received} received, ${l.restocked} restocked)` : ''}</li>`)}</ul>${approve}${receive}</section>`;
    }),
  );
  return html`<p class="muted">Open a return from a delivered order's page.</p>${cards.length ? html`<div class="grid">${cards}</div>` : html`<p>No returns.</p>`}`;
}
