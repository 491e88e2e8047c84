// A rate's providerRef travels from the quote to the purchase untouched: the
// engine stores it with the chosen rate and hands the same rate back.
import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../src/storage/memory/memory-storage.js';
import { sandboxCarrier } from '../../src/carriers/sandbox/sandbox-carrier.js';
import { sandboxPayment } from '../../src/payments/sandbox/sandbox-payment.js';
import { createFulfillment } from '../../src/index.js';
import type { CarrierAdapter, LabelRequest } from '../../src/ports/carrier.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { EAST, fulfil, makeShop, orderFor, pickAndPack, reload, shipmentOf, stock } from '../helpers/shop.js';

describe('Rate.providerRef through the engine', () => {
  it('is stored with the chosen rate and handed back to createShipment unchanged', async () => {
    const inner = sandboxCarrier({ clock: fakeClock('2026-03-02T09:00:00.000Z'), requireProviderRef: true });
    const purchases: LabelRequest[] = [];
    const carrier: CarrierAdapter = {
      ...inner,
      createShipment(request, options) {
        purchases.push(request);
        return inner.createShipment(request, options);
      },
    };
    const shop = makeShop({ carriers: [carrier] });
    await stock(shop.ff, 'east', { MUG: 1 });
    const order = await fulfil(shop.ff, (await shop.ff.orders.place(orderFor({ MUG: 1 }))).id);
    const shipment = shipmentOf(order);
    expect(shipment.status).toBe('shipped');
    expect(shipment.rate?.providerRef).toEqual({ rateId: expect.stringMatching(/^rate_/), service: shipment.rate?.service });
    expect(purchases).toHaveLength(1);
    expect(purchases[0]?.rate).toEqual(shipment.rate);
  });

  it('survives a second engine on the same store resuming the purchase', async () => {
    const clock = fakeClock('2026-03-02T09:00:00.000Z');
    const carrier = sandboxCarrier({ clock, requireProviderRef: true, fault: (op, attempt) => (op === 'createShipment' && attempt === 1 ? 'late' : null) });
    const storage = memoryStorage();
    const payments = sandboxPayment({ clock });
    const policy = { retry: { timeoutMs: 200, retries: 0, baseDelayMs: 1 } };
    const [a, b] = [0, 1].map(() => createFulfillment({ storage, clock, locations: [EAST], carriers: [carrier], payments, policy })) as [
      ReturnType<typeof createFulfillment>,
      ReturnType<typeof createFulfillment>,
    ];
    await a.inventory.receive({ sku: 'MUG', locationId: 'east', quantity: 1 });
    const order = await a.orders.place(orderFor({ MUG: 1 }));
    const s = shipmentOf(order);
    await pickAndPack(a, s);
    // The first purchase's reply is lost; the other engine resumes it from the stored rate.
    await a.fulfillment.ship(s.id).catch(() => undefined);
    await b.fulfillment.ship(s.id);
    const after = shipmentOf(await reload(b, order.id));
    expect(after.status).toBe('shipped');
    expect(carrier.labels()).toHaveLength(1);
    expect(after.rate?.providerRef).toBeDefined();
  });
});
