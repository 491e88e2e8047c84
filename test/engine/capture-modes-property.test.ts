// Property: whatever mix of full hand-overs, short picks and cancellations a
// split order goes through, the customer ends up paying exactly for what left
// the building (plus shipping once), under single- and multi-capture providers,
// and a single-capture provider is never asked to capture twice.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeShop, orderFor, reload, stock } from '../helpers/shop.js';

type Step = 'ship' | 'short' | 'leave';

describe('captures and refunds on split orders (property)', () => {
  it('paid = shipped value + shipping, one capture at most with a single-capture provider', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('single' as const, 'multiple' as const),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom<Step>('ship', 'short', 'leave'),
        fc.constantFrom<Step>('ship', 'short', 'leave'),
        fc.boolean(),
        async (mode, tees, mugs, eastStep, westStep, westFirst) => {
          const shop = makeShop({ policy: { shortPick: 'cancel', retry: { timeoutMs: 200, retries: 2, baseDelayMs: 1 } } }, { payment: { captures: mode } });
          await stock(shop.ff, 'east', { TEE: tees });
          await stock(shop.ff, 'west', { MUG: mugs });
          const placed = await shop.ff.orders.place(orderFor({ TEE: tees, MUG: mugs }));
          const shipping = placed.totals.shipping.amount;
          let shippedUnits = 0;
          const plan = [
            { locationId: 'east', sku: 'TEE', quantity: tees, step: eastStep },
            { locationId: 'west', sku: 'MUG', quantity: mugs, step: westStep },
          ];
          if (westFirst) plan.reverse();
          for (const { locationId, sku, quantity, step } of plan) {
            if (step === 'leave') continue;
            const s = (await reload(shop.ff, placed.id)).shipments.find((x) => x.locationId === locationId && x.status === 'pending');
            if (!s) continue;
            const picked = step === 'short' ? quantity - 1 : quantity;
            await shop.ff.fulfillment.confirmPick(s.id, { lines: [{ sku, quantity: picked }] });
            if (picked === 0) continue;
            await shop.ff.fulfillment.pack(s.id);
            await shop.ff.fulfillment.ship(s.id);
            shippedUnits += picked;
          }
          const current = await reload(shop.ff, placed.id);
          if (current.status !== 'shipped' && current.status !== 'cancelled') await shop.ff.orders.cancel(placed.id, { reason: 'rest not wanted' });
          const after = await reload(shop.ff, placed.id);
          const ledger = shop.payments.ledger();
          const captures = ledger.filter((e) => e.operation === 'capture');
          const refunds = ledger.filter((e) => e.operation === 'refund');
          const paid = captures.reduce((n, e) => n + e.amount, 0) - refunds.reduce((n, e) => n + e.amount, 0);
          expect(paid, `${mode}: paid for what shipped`).toBe(shippedUnits * 1000 + (shippedUnits > 0 ? shipping : 0));
          expect(after.payment.captured - after.payment.refunded, 'the order records what the provider did').toBe(paid);
          if (mode === 'single') expect(captures.length, 'one capture at most').toBeLessThanOrEqual(1);
          if (mode === 'multiple') expect(refunds, 'nothing captured had to be given back').toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
