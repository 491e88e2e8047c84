// Step 2, inventory: reservation per allocation policy, all-or-nothing
// shortages, and backorders served first come, first served on receipt.
import { describe, expect, it } from 'vitest';
import { CALIFORNIA, expectCode, makeShop, orderFor, reload, stock, storeState } from '../helpers/shop.js';

const locationsOf = (order: { shipments: { locationId: string; lines: { sku: string; quantity: number }[] }[] }) =>
  order.shipments.map((s) => ({ locationId: s.locationId, lines: s.lines.map((l) => [l.sku, l.quantity]) }));

describe('reservation per allocation policy', () => {
  it('priority takes the first location, nearest the closest one', async () => {
    const byPriority = makeShop({ policy: { allocation: 'priority' } });
    const byDistance = makeShop({ policy: { allocation: 'nearest' } });
    for (const { ff } of [byPriority, byDistance]) await stock(ff, 'east', { MUG: 5 }).then(() => stock(ff, 'west', { MUG: 5 }));

    const a = await byPriority.ff.orders.place(orderFor({ MUG: 2 }, CALIFORNIA));
    const b = await byDistance.ff.orders.place(orderFor({ MUG: 2 }, CALIFORNIA));
    expect(locationsOf(a)).toEqual([{ locationId: 'east', lines: [['MUG', 2]] }]);
    expect(locationsOf(b)).toEqual([{ locationId: 'west', lines: [['MUG', 2]] }]);
    expect((await byDistance.ff.inventory.level('MUG')).locations.find((l) => l.locationId === 'west')?.reserved).toBe(2);
  });

  it('fewestShipments prefers one location that has everything over the priority split', async () => {
    const byPriority = makeShop({ policy: { allocation: 'priority' } });
    const fewest = makeShop({ policy: { allocation: 'fewestShipments' } });
    for (const { ff } of [byPriority, fewest]) {
      await stock(ff, 'east', { MUG: 5 });
      await stock(ff, 'west', { MUG: 5, CAP: 5 });
    }
    const split = await byPriority.ff.orders.place(orderFor({ MUG: 1, CAP: 1 }));
    const single = await fewest.ff.orders.place(orderFor({ MUG: 1, CAP: 1 }));
    expect(locationsOf(split)).toEqual([
      { locationId: 'east', lines: [['MUG', 1]] },
      { locationId: 'west', lines: [['CAP', 1]] },
    ]);
    expect(locationsOf(single)).toEqual([{ locationId: 'west', lines: [['MUG', 1], ['CAP', 1]] }]);
  });

  it('splits a line across locations into one shipment per location', async () => {
    const { ff } = makeShop();
    await stock(ff, 'east', { MUG: 5 });
    await stock(ff, 'west', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 8 }));
    expect(locationsOf(order)).toEqual([
      { locationId: 'east', lines: [['MUG', 5]] },
      { locationId: 'west', lines: [['MUG', 3]] },
    ]);
    const level = await ff.inventory.level('MUG');
    expect(level).toMatchObject({ onHand: 10, reserved: 8, available: 2 });
    expect(await ff.inventory.reconcile()).toEqual([]);
  });
});

describe('shortages', () => {
  it('INSUFFICIENT_STOCK names each short SKU, and nothing changes', async () => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 2, CAP: 10 });
    await stock(shop.ff, 'west', { MUG: 1 });
    const before = await storeState(shop, ['MUG', 'CAP']);

    const error = await expectCode(shop.ff.orders.place(orderFor({ MUG: 5, CAP: 1 })), 'INSUFFICIENT_STOCK');
    expect(error.details.shortages).toEqual([{ sku: 'MUG', requested: 5, available: 3, short: 2 }]);
    expect(await storeState(shop, ['MUG', 'CAP'])).toEqual(before);
    expect(shop.payments.payments()).toEqual([]);
  });

  it('counts two lines of one SKU together', async () => {
    const { ff } = makeShop();
    await stock(ff, 'east', { MUG: 3 });
    const input = orderFor({ MUG: 2 });
    input.lines.push({ ...input.lines[0]!, quantity: 2 });
    await expectCode(ff.orders.place(input), 'INSUFFICIENT_STOCK');
    expect((await ff.inventory.level('MUG')).reserved).toBe(0);
  });
});

describe('backorders', () => {
  it('accepts a short order as backordered, holding what exists', async () => {
    const { ff } = makeShop({ policy: { backorders: true } });
    await stock(ff, 'east', { MUG: 1 });
    const order = await ff.orders.place(orderFor({ MUG: 3 }));
    expect(order.status).toBe('backordered');
    expect(order.lines[0]).toMatchObject({ quantity: 3, backordered: 2 });
    expect(order.shipments.map((s) => s.lines[0]?.quantity)).toEqual([1]);
    expect((await ff.inventory.level('MUG')).reserved).toBe(1);
  });

  it('serves waiting orders first come, first served when stock arrives', async () => {
    const { ff, clock } = makeShop({ policy: { backorders: true } });
    const older = await ff.orders.place(orderFor({ MUG: 2 }));
    clock.advance(1000);
    const newer = await ff.orders.place(orderFor({ MUG: 2 }));
    expect([older.status, newer.status]).toEqual(['backordered', 'backordered']);
    expect(older.shipments).toEqual([]);

    const level = await ff.inventory.receive({ sku: 'MUG', locationId: 'west', quantity: 3 });
    expect(level).toMatchObject({ onHand: 3, reserved: 3, available: 0 });
    const first = await reload(ff, older.id);
    const second = await reload(ff, newer.id);
    expect(first.status).toBe('processing');
    expect(first.lines[0]?.backordered).toBe(0);
    expect(first.shipments).toEqual([expect.objectContaining({ locationId: 'west', status: 'pending' })]);
    expect(second.status).toBe('backordered');
    expect(second.lines[0]?.backordered).toBe(1);

    await ff.inventory.receive({ sku: 'MUG', locationId: 'east', quantity: 5 });
    expect((await reload(ff, newer.id)).status).toBe('processing');
    expect(await ff.inventory.level('MUG')).toMatchObject({ onHand: 8, reserved: 4 });
    expect(await ff.inventory.reconcile()).toEqual([]);
  });

  it('receipt without backorders on leaves stock free', async () => {
    const { ff } = makeShop();
    await expectCode(ff.orders.place(orderFor({ MUG: 1 })), 'INSUFFICIENT_STOCK');
    expect(await ff.inventory.receive({ sku: 'MUG', locationId: 'east', quantity: 2 })).toMatchObject({ reserved: 0, available: 2 });
  });
});

describe('stock commands', () => {
  it('adjust and receive append ledger movements that reconcile', async () => {
    const { ff } = makeShop();
    await ff.inventory.receive({ sku: 'MUG', locationId: 'east', quantity: 4, bin: 'A-01' });
    await ff.inventory.adjust({ sku: 'MUG', locationId: 'east', delta: -1, reason: 'damaged' });
    expect(await ff.inventory.level('MUG')).toMatchObject({ onHand: 3, available: 3 });
    expect((await ff.inventory.ledger('MUG')).map((m) => m.type)).toEqual(['received', 'adjusted']);
    await expectCode(ff.inventory.receive({ sku: 'MUG', locationId: 'nowhere', quantity: 1 }), 'VALIDATION_FAILED');
    expect(await ff.inventory.reconcile()).toEqual([]);
  });
});

describe('reorder-point alerts', () => {
  it('inventory.low_stock reaches events.on once per crossing, through the outbox', async () => {
    const { ff } = makeShop();
    await stock(ff, 'east', { 'TEE-M': 10 });
    await ff.inventory.configure({ sku: 'TEE-M', locationId: 'east', reorderPoint: 5 });
    const alerts: { available: number; reorderPoint: number }[] = [];
    ff.events.on('inventory.low_stock', (e) => {
      alerts.push({ available: e.data.available, reorderPoint: e.data.reorderPoint });
    });

    await ff.orders.place(orderFor({ 'TEE-M': 4 })); // 10 → 6: above the point
    await ff.orders.place(orderFor({ 'TEE-M': 2 })); // 6 → 4: crosses
    await ff.orders.place(orderFor({ 'TEE-M': 1 })); // 4 → 3: already below
    await ff.outbox.dispatch();
    await ff.outbox.dispatch();
    expect(alerts).toEqual([{ available: 4, reorderPoint: 5 }]);

    // Back above the point, then down again: a second crossing, a second alert.
    await stock(ff, 'east', { 'TEE-M': 10 }); // 13 available
    await ff.orders.place(orderFor({ 'TEE-M': 9 })); // 13 → 4
    await ff.outbox.dispatch();
    expect(alerts).toEqual([
      { available: 4, reorderPoint: 5 },
      { available: 4, reorderPoint: 5 },
    ]);
  });
});
