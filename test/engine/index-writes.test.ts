// Order updates carry lookup keys and index tags only when they changed: the
// store's index must still match every order, including when a command
// writes an order it edited before the write (a payment found by the sweep).
import { describe, expect, it } from 'vitest';
import { orderKeys, orderTags } from '../../src/engine/order-index.js';
import type { OrderWrite } from '../../src/ports/storage.js';
import { DAY, makeShop, orderFor, shipmentOf, stock } from '../helpers/shop.js';

describe('index writes', () => {
  it('a tracking scan sends neither keys nor tags; the label purchase sends the new tracking key', async () => {
    const shop = makeShop();
    const { ff, storage, clock, carrier } = shop;
    const writes: OrderWrite[] = [];
    const update = storage.updateOrder.bind(storage);
    storage.updateOrder = (write, expectedVersion) => {
      writes.push(structuredClone(write)); // as sent: the engine goes on editing its own objects
      return update(write, expectedVersion);
    };
    await stock(ff, 'east', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 1 }));
    const shipmentId = shipmentOf(order).id;
    await ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'MUG', quantity: 1 }] });
    await ff.fulfillment.pack(shipmentId);
    writes.length = 0;
    const { shipment } = await ff.fulfillment.ship(shipmentId);
    const label = writes.find((w) => w.order.shipments[0]?.status === 'label_purchased');
    expect(label?.keys).toContain(`tracking:${shipment.rate?.carrierId}:${shipment.label?.trackingNumber}`);
    clock.advance(DAY);
    writes.length = 0;
    const [hook] = await carrier.webhooksSince();
    await ff.tracking.handleWebhook(carrier.id, hook!);
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) expect([w.keys, w.tags]).toEqual([undefined, undefined]);
    const stored = (await storage.getOrder(order.id))!;
    for (const key of orderKeys(stored)) expect(await storage.findOrderId(key), key).toBe(order.id);
  });

  it('an authorization found by the expiry sweep is indexed under its payment key', async () => {
    // The authorization's answer is lost and so is the first lookup: the order is stored without a payment id.
    const { ff, clock, storage } = makeShop({}, {
      payment: { fault: (op, attempt) => (op === 'authorize' ? (attempt === 1 ? 'late' : 'timeout') : op === 'retrieve' && attempt === 1 ? 'timeout' : null) },
    });
    await stock(ff, 'east', { MUG: 5 });
    const placed = await ff.orders.place(orderFor({ MUG: 1 }));
    expect(placed.payment.paymentId).toBeNull();
    clock.advance(15 * 60_000 + 1);
    await ff.sweep();
    const after = (await storage.getOrder(placed.id))!;
    expect(after.payment.paymentId).not.toBeNull();
    for (const key of orderKeys(after)) expect(await storage.findOrderId(key), key).toBe(after.id);
    for (const tag of orderTags(after)) expect((await storage.listOrders({ tag, limit: 10 })).items.map((o) => o.id), tag).toContain(after.id);
  });
});
