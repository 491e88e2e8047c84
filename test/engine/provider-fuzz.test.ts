// Providers answering arbitrary JSON: whatever a carrier or payment provider
// says, the engine succeeds with well-formed data or throws a FulfillmentError,
// and every stored order still satisfies its schema.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sandboxPayment } from '../../src/payments/sandbox/sandbox-payment.js';
import { isFulfillmentError } from '../../src/domain/errors.js';
import { orderSchema } from '../../src/domain/order.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { anyValue } from '../helpers/command-fuzz.js';
import { flatRateCarrier, makeShop, orderFor, pickAndPack, shipmentOf, stock } from '../helpers/shop.js';

const START = '2026-03-02T09:00:00.000Z';
const label = { labelId: 'l1', trackingNumber: 'TRX1', trackingUrl: null, labelUrl: null, cost: { amount: 100, currency: 'USD' }, purchasedAt: START };

/** A well-formed answer with one field replaced, or anything at all. */
const aroundAnswer = (valid: Record<string, unknown>) =>
  fc.oneof(
    fc.constant(valid),
    fc.tuple(fc.constantFrom(...Object.keys(valid)), anyValue).map(([key, value]) => ({ ...valid, [key]: value })),
    anyValue,
  );

async function storedOrdersAreWellFormed(ff: ReturnType<typeof makeShop>['ff']): Promise<void> {
  for (const order of (await ff.orders.list({ limit: 500 })).items) {
    const parsed = orderSchema.safeParse(order);
    expect(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3))).toBe(true);
  }
}

describe('providers answering arbitrary JSON', () => {
  it('a label purchase answered with anything ships with a valid label or is CARRIER_ERROR, nothing shipped', async () => {
    await fc.assert(
      fc.asyncProperty(aroundAnswer(label), async (answer) => {
        const clock = fakeClock(START);
        const carrier = Object.assign(Object.create(flatRateCarrier('odd-co', 100, clock)), { createShipment: async () => structuredCloneSafe(answer) });
        const shop = makeShop({ clock, carriers: [carrier] });
        await stock(shop.ff, 'east', { MUG: 2 });
        const order = await shop.ff.orders.place(orderFor({ MUG: 1 }));
        await pickAndPack(shop.ff, shipmentOf(order));
        const outcome = await shop.ff.fulfillment.ship(shipmentOf(order).id).then(
          (r) => r.shipment,
          (err: unknown) => err,
        );
        if (isFulfillmentError(outcome)) {
          expect(outcome.code).toBe('CARRIER_ERROR');
          expect(shipmentOf((await shop.ff.orders.get(order.id))!)).toMatchObject({ status: 'packed', label: null });
          expect(shop.payments.ledger().some((e) => e.operation === 'capture')).toBe(false);
        } else {
          expect(outcome).toMatchObject({ status: 'shipped', label: { trackingNumber: expect.stringMatching(/\S/) } });
        }
        await storedOrdersAreWellFormed(shop.ff);
      }),
      { numRuns: 60 },
    );
  });

  it('rates answered with anything never reach storage malformed', async () => {
    const rate = { carrierId: 'odd-co', service: 'ground', speed: 'standard', amount: { amount: 100, currency: 'USD' }, transitDays: 3, estimatedDelivery: null };
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.array(aroundAnswer(rate), { maxLength: 3 }).map((rates) => ({ rates, messages: [] })), anyValue), async (quote) => {
        const clock = fakeClock(START);
        const carrier = Object.assign(Object.create(flatRateCarrier('odd-co', 100, clock)), { getRates: async () => structuredCloneSafe(quote) });
        const shop = makeShop({ clock, carriers: [carrier] });
        await stock(shop.ff, 'east', { MUG: 2 });
        const order = await shop.ff.orders.place(orderFor({ MUG: 1 }));
        await pickAndPack(shop.ff, shipmentOf(order));
        const outcome = await shop.ff.fulfillment.ship(shipmentOf(order).id).catch((err: unknown) => err);
        if (isFulfillmentError(outcome)) expect(['NO_RATES', 'CARRIER_ERROR']).toContain(outcome.code);
        await storedOrdersAreWellFormed(shop.ff);
      }),
      { numRuns: 60 },
    );
  });

  it('an authorization answered with anything leaves a well-formed order that is paid only if the provider really authorized', async () => {
    await fc.assert(
      fc.asyncProperty(anyValue, async (garbage) => {
        const inner = sandboxPayment();
        const payments = Object.assign(Object.create(inner), {
          authorize: async (request: Parameters<typeof inner.authorize>[0]) => {
            await inner.authorize(request); // the money really moved; only the answer is garbage
            return structuredCloneSafe(garbage);
          },
        });
        const shop = makeShop({ payments });
        await stock(shop.ff, 'east', { MUG: 2 });
        const outcome = await shop.ff.orders.place(orderFor({ MUG: 1 })).catch((err: unknown) => err);
        if (isFulfillmentError(outcome)) expect(outcome.code).not.toBe('ADAPTER_ERROR');
        else {
          // The lookup by key finds the authorization the provider did make.
          expect((outcome as { payment: { status: string } }).payment.status).toBe('authorized');
        }
        await storedOrdersAreWellFormed(shop.ff);
      }),
      { numRuns: 60 },
    );
  });
});

// Symbols and such cannot be cloned; the answer is handed over as is then.
function structuredCloneSafe<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}
