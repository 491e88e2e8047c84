// Console pages and forms through Request objects: receiving stock, holds,
// returns, a double-submitted form acting once, and pages for every role.
import { describe, expect, it } from 'vitest';
import { suggestCartons } from '../../src/http/console/pages-fulfillment.js';
import { orderFor, stock } from '../helpers/shop.js';
import { consoleLogin } from './console-session.js';
import { httpShop } from './http-shop.js';

async function deliveredOrder() {
  const s = httpShop({ handler: { console: { sessionSecret: 'console-session-secret-for-tests-0123456789', sessionTtlMs: 30 * 86_400_000 } } });
  await stock(s.ff, 'east', { 'TEE-M': 5 });
  const order = await s.ff.orders.place(orderFor({ 'TEE-M': 2 }));
  const shipmentId = order.shipments[0]?.id as string;
  await s.ff.fulfillment.pickList({ locationId: 'east' });
  await s.ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'TEE-M', quantity: 2 }] });
  await s.ff.fulfillment.pack(shipmentId);
  await s.ff.fulfillment.ship(shipmentId);
  s.clock.advance(5 * 86_400_000);
  for (const hook of await s.carrier.webhooksSince()) await s.ff.tracking.handleWebhook('sandbox', hook);
  return { s, order };
}

describe('console pages', () => {
  it('suggests on the pack screen exactly the cartons pack then chooses', async () => {
    const s = httpShop();
    await stock(s.ff, 'east', { 'TEE-M': 10, 'MUG-1': 4 });
    const order = await s.ff.orders.place(orderFor({ 'TEE-M': 3, 'MUG-1': 2 }));
    const shipmentId = order.shipments[0]?.id as string;
    await s.ff.fulfillment.pickList({ locationId: 'east' });
    const { order: picked } = await s.ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'TEE-M', quantity: 2 }, { sku: 'MUG-1', quantity: 2 }] });
    const shipment = picked.shipments.find((x) => x.id === shipmentId);
    if (!shipment) throw new Error('no shipment');
    const suggestion = suggestCartons(s.ff.boxes, picked, shipment);
    expect(suggestion.parcels.length).toBeGreaterThan(0);
    const user = await consoleLogin(s, 'warehouse');
    const page = await (await user.get(`/console/shipments/${shipmentId}/pack`)).text();
    expect(page).toContain('Suggested cartons');
    for (const p of suggestion.parcels) expect(page).toContain(p.boxId ?? 'own packaging');
    expect((await user.post(`/console/shipments/${shipmentId}/pack`, {})).status).toBe(303);
    const packed = (await s.ff.orders.get(order.id))?.shipments.find((x) => x.id === shipmentId);
    expect(packed?.parcels).toEqual(suggestion.parcels);
  });

  it('receives stock once when the form is submitted twice', async () => {
    const s = httpShop();
    const user = await consoleLogin(s, 'warehouse');
    const fields = { sku: 'CAP-1', locationId: 'east', quantity: '6', bin: 'C-01-1', _key: 'form-abc' };
    const first = await user.post('/console/stock/receive', fields);
    const second = await user.post('/console/stock/receive', fields);
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect((await s.ff.inventory.level('CAP-1')).onHand).toBe(6);
    const page = await (await user.get('/console/stock?flash=received')).text();
    expect(page).toContain('Stock received.');
    expect(page).toContain('C-01-1');
  });

  it('puts an order on hold and releases it from the order page', async () => {
    const s = httpShop();
    await stock(s.ff, 'east', { 'TEE-M': 5 });
    const order = await s.ff.orders.place(orderFor({ 'TEE-M': 1 }));
    const user = await consoleLogin(s, 'support');
    const page = await (await user.get(`/console/orders/${order.id}`)).text();
    expect(page).toContain('Hold reason');
    expect((await user.post(`/console/orders/${order.id}/hold`, { reason: 'address check' })).status).toBe(303);
    expect((await s.ff.orders.get(order.id))?.status).toBe('on_hold');
    expect(await (await user.get(`/console/orders/${order.id}`)).text()).toContain('On hold: address check');
    expect((await user.post(`/console/orders/${order.id}/release`, {})).status).toBe(303);
    expect((await s.ff.orders.get(order.id))?.status).toBe('processing');
    // A transition the order cannot take is a 409 page, and nothing changes.
    const again = await user.post(`/console/orders/${order.id}/release`, {});
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('INVALID_TRANSITION');
  });

  it('opens, approves and receives a return', async () => {
    const { s, order } = await deliveredOrder();
    const support = await consoleLogin(s, 'support');
    const page = await (await support.get(`/console/orders/${order.id}`)).text();
    expect(page).toContain('Open a return');
    expect((await support.post(`/console/orders/${order.id}/returns`, { 'qty:TEE-M': '1', reason: 'too small' })).status).toBe(303);
    const returns = await (await support.get('/console/returns')).text();
    expect(returns).toContain('too small');
    const rma = (await s.ff.orders.get(order.id))?.returns[0];
    if (!rma) throw new Error('no return');
    if (rma.status === 'requested') expect((await support.post(`/console/returns/${rma.id}/approve`, {})).status).toBe(303);
    const warehouse = await consoleLogin(s, 'warehouse');
    expect((await warehouse.post(`/console/returns/${rma.id}/receive`, { 'qty:TEE-M': '1', 'restock:TEE-M': '1' })).status).toBe(303);
    const after = await s.ff.orders.get(order.id);
    expect(after?.returns[0]?.lines[0]?.restocked).toBe(1);
    expect((await s.ff.inventory.level('TEE-M')).onHand).toBe(4);
  });

  it('renders every page for each role, showing only the actions the role may take', async () => {
    const { s, order } = await deliveredOrder();
    const shipmentId = order.shipments[0]?.id as string;
    const paths = ['/console', '/console?status=delivered', `/console/orders/${order.id}`, '/console/pick', '/console/pick/east', `/console/shipments/${shipmentId}/pack`, `/console/shipments/${shipmentId}/slip`, `/console/shipments/${shipmentId}/ship`, `/console/shipments/${shipmentId}/label`, '/console/stock', '/console/returns'];
    for (const role of ['warehouse', 'support', 'admin'] as const) {
      const user = await consoleLogin(s, role);
      for (const path of paths) expect((await user.get(path)).status, `${role} ${path}`).toBe(200);
      const stockPage = await (await user.get('/console/stock')).text();
      expect(stockPage.includes('Receive stock'), role).toBe(role !== 'support');
      const orderPage = await (await user.get(`/console/orders/${order.id}`)).text();
      expect(orderPage.includes('Open a return'), role).toBe(role !== 'warehouse');
    }
    const admin = await consoleLogin(s, 'admin');
    expect((await admin.get('/console/orders/nope')).status).toBe(404);
    expect((await admin.get('/console/nowhere')).status).toBe(404);
    expect((await admin.get('/console/orders/%E0%A4%A')).status).toBe(404);
    expect((await admin.post('/console/orders/%E0%A4%A/cancel', { reason: 'x' })).status).toBe(404);
  });
});
