// Console pages for the floor: pick waves per location, packing with the
// printable slip, shipping with the printable label.
import { formatMoney } from '../../domain/money.js';
import type { Order } from '../../domain/order.js';
import type { Box, Parcel, Shipment } from '../../domain/shipment.js';
import { cartonize } from '../../packing/cartonize.js';
import type { Fulfillment } from '../../engine/create-fulfillment.js';
import { packingSlip } from '../../packing/packing-slip.js';
import { allows } from '../access.js';
import { awaitingPick, currentWave, ordersWithShipments } from '../pick-wave.js';
import { type SafeHtml, html, safeUrl } from './html.js';
import { type PageContext, formFields, status } from './layout.js';

/** A location the console lists. */
export interface ConsoleLocation {
  id: string;
  name: string;
}

/** Choose a location to pick at. */
export function pickIndexPage(ctx: PageContext, locations: ConsoleLocation[]): SafeHtml {
  const items = locations.map((l) => html`<li><a href="${ctx.base}/pick/${encodeURIComponent(l.id)}">${l.name}</a> <span class="muted">${l.id}</span></li>`);
  return html`<section class="card"><p>Where are you picking?</p><ul>${items.length ? items : html`<li class="muted">No locations with stock yet.</li>`}</ul></section>`;
}

/** A location's pick wave: the walk in bin order, then one confirmation form per shipment. */
export async function pickPage(ff: Fulfillment, ctx: PageContext, locationId: string): Promise<SafeHtml> {
  const wave = await currentWave(ff, locationId);
  const open = await ordersWithShipments(ff, locationId, new Set(['pending', 'picking']));
  const here = open.flatMap((o) => o.shipments.filter((s) => s.locationId === locationId).map((s) => ({ order: o, shipment: s })));
  const pendingCount = here.filter((x) => x.shipment.status === 'pending').length;
  const toPack = here.filter((x) => x.shipment.status === 'picking' && !awaitingPick(x.shipment));
  const canPick = ctx.principal !== null && allows(ctx.principal.role, 'pick');
  const loc = encodeURIComponent(locationId);
  const start = canPick
    ? html`<form method="post" action="${ctx.base}/pick/${loc}/start" class="no-print">${formFields(ctx)}<button type="submit">Start a pick wave (${pendingCount} waiting)</button></form>`
    : '';
  const rows = wave.rows.map(
    (r) => html`<tr class="pick-row"><td><input type="checkbox" aria-label="Picked ${r.sku}"></td><td><b>${r.bin ?? '—'}</b></td><td>${r.sku}</td><td><b>${r.quantity}</b></td>
      <td class="wide muted">${r.shipments.map((s, i) => html`${i ? ', ' : ''}${s.quantity} → ${s.shipmentId}`)}</td></tr>`,
  );
  const forms = wave.shipmentIds.map((shipmentId) => {
    const lines = new Map<string, number>();
    for (const r of wave.rows) for (const s of r.shipments) if (s.shipmentId === shipmentId) lines.set(r.sku, (lines.get(r.sku) ?? 0) + s.quantity);
    return html`<form method="post" action="${ctx.base}/shipments/${encodeURIComponent(shipmentId)}/pick" class="card" aria-label="Confirm ${shipmentId}">${formFields(ctx)}
      <h2>Shipment ${shipmentId}</h2>
      ${[...lines].map(([sku, qty]) => html`<label>${sku} — picked <input type="number" name="qty:${sku}" min="0" max="${qty}" value="${qty}" aria-label="Picked ${sku} for ${shipmentId}"> of ${qty}</label>`)}
      ${canPick ? html`<button type="submit">Confirm pick</button>` : ''}</form>`;
  });
  return html`${start}
    <h2>Walk (${wave.totalUnits} units, ${wave.shipmentIds.length} shipments)</h2>
    <div class="table-wrap"><table><thead><tr><th>✓</th><th>Bin</th><th>SKU</th><th>Qty</th><th class="wide">Sort into</th></tr></thead>
    <tbody>${rows.length ? rows : html`<tr><td colspan="5" class="muted">Nothing being picked here. Start a wave.</td></tr>`}</tbody></table></div>
    <p class="muted">Enter fewer units than asked to report a short pick.</p>
    <div class="grid">${forms}</div>
    ${
      toPack.length
        ? html`<h2>Picked, ready to pack</h2><ul>${toPack.map(
            ({ order, shipment }) =>
              html`<li><a href="${ctx.base}/shipments/${encodeURIComponent(shipment.id)}/pack">Pack ${shipment.id}</a> <span class="muted">order ${order.reference ?? order.id}</span></li>`,
          )}</ul>`
        : ''
    }`;
}

/**
 * The cartons `pack` would choose: the same cartonization over the same catalog
 * and picked units, computed without writing anything.
 */
export function suggestCartons(boxes: readonly Box[], order: Order, shipment: Shipment): { parcels: Parcel[]; unpacked: { sku: string; reason: string }[] } {
  const items = shipment.lines.map((l) => {
    const line = order.lines.find((x) => x.id === l.lineId);
    return { sku: l.sku, quantity: l.picked ?? l.quantity, weight: line?.weight ?? null, dimensions: line?.dimensions ?? null, fragile: line?.fragile ?? false, giftWrap: line?.giftWrap ?? false };
  });
  const result = cartonize(items.filter((i) => i.quantity > 0), [...boxes]);
  return { parcels: result.parcels, unpacked: result.unpacked };
}

function parcelsTable(parcels: readonly Parcel[]): SafeHtml {
  return html`<table><thead><tr><th>#</th><th>Carton</th><th>Size</th><th>Weight</th><th>Contents</th></tr></thead><tbody>${parcels.map(
    (p, i) => html`<tr><td>${i + 1}</td><td>${p.boxId ?? 'own packaging'}</td><td>${p.dimensions.length}×${p.dimensions.width}×${p.dimensions.height} ${p.dimensions.unit}</td>
      <td>${p.weight.value} ${p.weight.unit}</td><td>${p.items.map((it, j) => html`${j ? ', ' : ''}${it.quantity} × ${it.sku}`)}</td></tr>`,
  )}</tbody></table>`;
}

/** Pack a picked shipment: the suggested cartons first; after packing, the cartons chosen and the slip. */
export function packPage(ctx: PageContext, order: Order, shipment: Shipment, boxes: readonly Box[]): SafeHtml {
  const id = encodeURIComponent(shipment.id);
  const canPack = ctx.principal !== null && allows(ctx.principal.role, 'pack');
  const lines = shipment.lines.map((l) => {
    const line = order.lines.find((x) => x.id === l.lineId);
    return html`<tr><td>${l.sku}</td><td>${line?.name ?? ''}</td><td>${l.picked ?? '—'} of ${l.quantity}</td><td>${line?.fragile ? 'fragile ' : ''}${line?.giftWrap ? 'gift wrap' : ''}</td></tr>`;
  });
  const packed = shipment.parcels.length > 0;
  return html`<p>${status(shipment.status)} <a href="${ctx.base}/orders/${encodeURIComponent(order.id)}">Order ${order.reference ?? order.id}</a></p>
    <section class="card"><h2>Items</h2><table><thead><tr><th>SKU</th><th>Item</th><th>Picked</th><th>Handling</th></tr></thead><tbody>${lines}</tbody></table>
    ${order.giftMessage ? html`<p><b>Gift message:</b> ${order.giftMessage}</p>` : ''}</section>
    ${
      packed
        ? html`<section class="card"><h2>Cartons</h2>${parcelsTable(shipment.parcels)}<p><a href="${ctx.base}/shipments/${id}/slip">Print packing slip</a> · <a href="${ctx.base}/shipments/${id}/ship">Ship</a></p></section>`
        : canPack && shipment.status === 'picking'
          ? suggestionForm(ctx, id, suggestCartons(boxes, order, shipment))
          : html`<p class="muted">This shipment cannot be packed while ${shipment.status}.</p>`
    }`;
}

function suggestionForm(ctx: PageContext, id: string, suggestion: ReturnType<typeof suggestCartons>): SafeHtml {
  return html`<section class="card"><h2>Suggested cartons</h2>${parcelsTable(suggestion.parcels)}
    ${suggestion.unpacked.length ? html`<p class="alert">Cannot be packed: ${suggestion.unpacked.map((u, i) => html`${i ? ', ' : ''}${u.sku} (${u.reason})`)}</p>` : ''}
    <form method="post" action="${ctx.base}/shipments/${id}/pack">${formFields(ctx)}<button type="submit">Pack (choose cartons)</button></form></section>`;
}

/** The printable packing slip of a packed shipment. */
export function slipPage(ctx: PageContext, order: Order, shipment: Shipment): SafeHtml {
  const slip = packingSlip({
    orderId: order.id,
    reference: order.reference,
    shipmentId: shipment.id,
    parcels: shipment.parcels,
    giftMessage: order.giftMessage,
    notes: order.notes,
    lines: shipment.lines.map((l) => {
      const line = order.lines.find((x) => x.id === l.lineId);
      return { lineId: l.lineId, sku: l.sku, name: line?.name ?? null, quantity: l.picked ?? l.quantity, fragile: line?.fragile ?? false, giftWrap: line?.giftWrap ?? false };
    }),
  });
  const a = order.shippingAddress;
  return html`<p class="no-print"><button type="button" data-print>Print</button> <a href="${ctx.base}/shipments/${encodeURIComponent(shipment.id)}/pack">Back</a></p>
    <article class="slip" aria-label="Packing slip"><h2>Packing slip — order ${slip.reference ?? slip.orderId}</h2>
    <p>Ship to: ${a.name}, ${a.line1}, ${a.postalCode} ${a.city}, ${a.country}</p>
    <p class="muted">Shipment ${slip.shipmentId} · ${slip.parcelCount} parcel(s) · ${slip.totalUnits} unit(s)</p>
    ${slip.parcels.map(
      (p) => html`<h3>Parcel ${p.number} of ${slip.parcelCount}${p.boxId ? html` — ${p.boxId}` : ''}${p.fragile ? ' — FRAGILE' : ''}</h3>
      <table><thead><tr><th>SKU</th><th>Item</th><th>Qty</th></tr></thead><tbody>${p.contents.map((c) => html`<tr><td>${c.sku}</td><td>${c.name ?? ''}${c.giftWrap ? ' (gift wrap)' : ''}</td><td>${c.quantity}</td></tr>`)}</tbody></table>`,
    )}
    ${slip.instructions.length ? html`<h3>Instructions</h3><ul>${slip.instructions.map((i) => html`<li>${i}</li>`)}</ul>` : ''}
    ${slip.missing.length ? html`<p class="alert">Not in any parcel: ${slip.missing.map((m) => `${m.quantity} × ${m.sku}`).join(', ')}</p>` : ''}
    ${slip.giftMessage ? html`<p><b>Gift message:</b> ${slip.giftMessage}</p>` : ''}</article>`;
}

/** Buy the label of a packed shipment. */
export function shipPage(ctx: PageContext, order: Order, shipment: Shipment): SafeHtml {
  const id = encodeURIComponent(shipment.id);
  const canShip = ctx.principal !== null && allows(ctx.principal.role, 'ship');
  const body =
    shipment.label !== null
      ? html`<p>Label bought: <a href="${ctx.base}/shipments/${id}/label">open the label</a></p>`
      : canShip && shipment.status === 'packed'
        ? html`<form method="post" action="${ctx.base}/shipments/${id}/ship">${formFields(ctx)}<p>The carrier and service are chosen by rate shopping (${order.shippingPreference.speed}).</p><button type="submit">Buy label and ship</button></form>`
        : html`<p class="muted">This shipment cannot ship while ${shipment.status}.</p>`;
  return html`<p>${status(shipment.status)} <a href="${ctx.base}/orders/${encodeURIComponent(order.id)}">Order ${order.reference ?? order.id}</a></p>
    <section class="card"><h2>Parcels</h2>${parcelsTable(shipment.parcels)}</section>${body}`;
}

/** The printable shipping label. */
export function labelPage(ctx: PageContext, order: Order, shipment: Shipment): SafeHtml {
  const label = shipment.label;
  if (!label) return html`<p class="muted">No label yet. <a href="${ctx.base}/shipments/${encodeURIComponent(shipment.id)}/ship">Ship</a></p>`;
  const a = order.shippingAddress;
  const file = safeUrl(label.labelUrl);
  return html`<p class="no-print"><button type="button" data-print>Print label</button> <a href="${ctx.base}/orders/${encodeURIComponent(order.id)}">Order ${order.reference ?? order.id}</a>
    ${file ? html` · <a href="${file}" rel="noreferrer noopener" target="_blank">Carrier label file</a>` : ''}</p>
    <article class="label" aria-label="Shipping label"><p><b>${shipment.rate?.carrierId ?? ''}</b> · ${shipment.rate?.service ?? ''}</p>
    <p>TO:<br><b>${a.name}</b><br>${a.line1}${a.line2 ? html`<br>${a.line2}` : ''}<br>${a.postalCode} ${a.city}${a.region ? html` ${a.region}` : ''}<br>${a.country}</p>
    <p class="tn">${label.trackingNumber}</p><p class="muted">${shipment.parcels.length} parcel(s) · postage ${formatMoney(label.cost)} · ${status(shipment.status)}</p></article>`;
}
