// Step 6, shipping: rate shopping across carriers, label fallback, refusals
// that leave the shipment packed, and resumable label-then-capture.
import { describe, expect, it } from 'vitest';
import { sandboxCarrier } from '../../src/carriers/sandbox/sandbox-carrier.js';
import { FulfillmentError } from '../../src/domain/errors.js';
import { type FulfillmentConfig, createFulfillment } from '../../src/index.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { EAST, type ShopAdapters, WEST, expectCode, flatRateCarrier, makeShop, orderFor, reload, shipmentOf, stock } from '../helpers/shop.js';

/** A shop with one packed shipment of 2 mugs at east. */
async function packedShop(
  overrides: (clock: ReturnType<typeof fakeClock>) => Partial<FulfillmentConfig> = () => ({}),
  orderExtra = {},
  adapters: ShopAdapters = {},
) {
  const clock = fakeClock('2026-03-02T09:00:00.000Z');
  const shop = makeShop({ clock, ...overrides(clock) }, adapters);
  await stock(shop.ff, 'east', { MUG: 5 });
  const order = await shop.ff.orders.place(orderFor({ MUG: 2 }, orderExtra));
  const shipmentId = shipmentOf(order).id;
  await shop.ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'MUG', quantity: 2 }] });
  await shop.ff.fulfillment.pack(shipmentId);
  return { ...shop, clock, order, shipmentId };
}

describe('rate shopping', () => {
  it("'cheapest' buys the cheapest rate across carriers", async () => {
    const { ff, shipmentId } = await packedShop((clock) => ({
      carriers: [sandboxCarrier({ id: 'fast-co', clock }), flatRateCarrier('budget-co', 300, clock)],
      policy: { rateSelection: 'cheapest' },
    }));
    const { shipment: shipped } = await ff.fulfillment.ship(shipmentId);
    expect(shipped.rate).toMatchObject({ carrierId: 'budget-co', service: 'ground', amount: { amount: 300 } });
    expect(shipped.label?.trackingNumber).toMatch(/^TR/);
  });

  it("'fastest' buys the fastest service even when it costs more", async () => {
    const { ff, shipmentId } = await packedShop((clock) => ({
      carriers: [sandboxCarrier({ id: 'fast-co', clock }), flatRateCarrier('budget-co', 300, clock)],
      policy: { rateSelection: 'fastest' },
    }));
    const { shipment: shipped } = await ff.fulfillment.ship(shipmentId);
    expect(shipped.rate).toMatchObject({ carrierId: 'fast-co', speed: 'overnight' });
  });

  it("'cheapest' never goes slower than the speed the customer chose", async () => {
    const { ff, shipmentId } = await packedShop(
      (clock) => ({ carriers: [sandboxCarrier({ id: 'fast-co', clock }), flatRateCarrier('budget-co', 300, clock)] }),
      { shipping: { speed: 'express' } },
    );
    const { shipment: shipped } = await ff.fulfillment.ship(shipmentId);
    expect(shipped.rate).toMatchObject({ carrierId: 'fast-co', speed: 'express' });
  });

  it('an explicit carrier and service are honoured', async () => {
    const { ff, shipmentId } = await packedShop((clock) => ({
      carriers: [sandboxCarrier({ id: 'fast-co', clock }), flatRateCarrier('budget-co', 300, clock)],
    }));
    const { shipment: shipped } = await ff.fulfillment.ship(shipmentId, { carrier: 'fast-co', service: 'sandbox_express' });
    expect(shipped.rate).toMatchObject({ carrierId: 'fast-co', service: 'sandbox_express' });
  });
});

describe('label purchase failures', () => {
  it('falls back to the next rate when a carrier refuses the label', async () => {
    const { ff, shipmentId } = await packedShop((clock) => ({
      carriers: [
        sandboxCarrier({ id: 'picky-co', clock, fault: (op) => (op === 'createShipment' ? 'rejected' : null) }),
        flatRateCarrier('pricey-co', 5000, clock),
      ],
    }));
    const { shipment: shipped } = await ff.fulfillment.ship(shipmentId);
    expect(shipped.status).toBe('shipped');
    expect(shipped.rate).toMatchObject({ carrierId: 'pricey-co', amount: { amount: 5000 } });
  });

  it('CARRIER_ERROR when every carrier refuses; the shipment stays packed and stock stays held', async () => {
    const { ff, shipmentId, order, payments } = await packedShop((clock) => ({
      carriers: [
        sandboxCarrier({ id: 'picky-co', clock, fault: (op) => (op === 'createShipment' ? 'rejected' : null) }),
        sandboxCarrier({ id: 'fussy-co', clock, fault: (op) => (op === 'createShipment' ? 'rejected' : null) }),
      ],
    }));
    const error = await expectCode(ff.fulfillment.ship(shipmentId), 'CARRIER_ERROR');
    expect(new Set((error.details.failures as { carrierId: string }[]).map((f) => f.carrierId))).toEqual(new Set(['picky-co', 'fussy-co']));
    const after = await reload(ff, order.id);
    expect(shipmentOf(after)).toMatchObject({ status: 'packed', label: null });
    expect(await ff.inventory.level('MUG')).toMatchObject({ onHand: 5, reserved: 2 });
    expect(payments.ledger().some((e) => e.operation === 'capture')).toBe(false);
  });

  it('a carrier that is down is CARRIER_ERROR (retryable) without falling back, since its label may exist', async () => {
    const backup = flatRateCarrier('backup-co', 5000);
    const { ff, shipmentId, order } = await packedShop((clock) => ({
      carriers: [sandboxCarrier({ id: 'down-co', clock, failures: { createShipment: 'always' } }), backup],
    }));
    const error = await expectCode(ff.fulfillment.ship(shipmentId), 'CARRIER_ERROR');
    expect(error.retryable).toBe(true);
    expect(shipmentOf(await reload(ff, order.id))).toMatchObject({ status: 'packed', label: null });
    expect(await backup.track('TR00000001')).toEqual([]); // nothing bought elsewhere
  });

  it('a label bought but answered too late is found again by the retry, not bought twice', async () => {
    const backup = flatRateCarrier('backup-co', 5000);
    let lossy: ReturnType<typeof sandboxCarrier> | undefined;
    const { ff, shipmentId } = await packedShop((clock) => {
      lossy = sandboxCarrier({ clock, fault: (op, attempt) => (op === 'createShipment' && attempt <= 3 ? 'late' : null) });
      return { carriers: [lossy, backup] };
    });
    await expectCode(ff.fulfillment.ship(shipmentId), 'CARRIER_ERROR');
    expect(lossy?.labels()).toHaveLength(1);
    const { shipment: shipped } = await ff.fulfillment.ship(shipmentId);
    expect(shipped.status).toBe('shipped');
    expect(shipped.label?.trackingNumber).toBe(lossy?.labels()[0]?.trackingNumber);
    expect(lossy?.labels()).toHaveLength(1);
    expect(await backup.track('TR00000001')).toEqual([]);
  });

  /** Equal rates (ties go by carrier id): alpha-co refuses its first label, beta-co loses its first three answers. */
  async function refusedThenLost() {
    let picky: ReturnType<typeof sandboxCarrier> | undefined;
    let lossy: ReturnType<typeof sandboxCarrier> | undefined;
    const shop = await packedShop((clock) => {
      picky = sandboxCarrier({ id: 'alpha-co', clock, fault: (op, attempt) => (op === 'createShipment' && attempt === 1 ? 'rejected' : null) });
      lossy = sandboxCarrier({ id: 'beta-co', clock, fault: (op, attempt) => (op === 'createShipment' && attempt <= 3 ? 'late' : null) });
      return { carriers: [picky, lossy], policy: { rateSelection: 'cheapest' } };
    });
    const error = await expectCode(shop.ff.fulfillment.ship(shop.shipmentId), 'CARRIER_ERROR');
    expect(error.retryable).toBe(true);
    expect((error.details.failures as { carrierId: string }[]).map((f) => f.carrierId)).toEqual(['alpha-co', 'beta-co']);
    expect(picky!.labels()).toHaveLength(0);
    expect(lossy!.labels()).toHaveLength(1);
    return { ...shop, picky: picky!, lossy: lossy! };
  }

  it('after a fallback, a retry resumes at the carrier whose answer was lost, not at the one that refused', async () => {
    const { ff, shipmentId, picky, lossy } = await refusedThenLost();
    // The refusing carrier would now sell a label: asking it again would leave two live labels.
    const { shipment: shipped } = await ff.fulfillment.ship(shipmentId);
    expect(shipped.rate?.carrierId).toBe('beta-co');
    expect(shipped.label?.trackingNumber).toBe(lossy.labels()[0]?.trackingNumber);
    expect(lossy.labels()).toHaveLength(1);
    expect(picky.labels()).toHaveLength(0);
  });

  it('a process that dies after a fallback leaves it recorded: the takeover resumes at that carrier', async () => {
    let release: (() => void) | undefined;
    let alpha: ReturnType<typeof sandboxCarrier> | undefined;
    let beta: ReturnType<typeof sandboxCarrier> | undefined;
    const shop = await packedShop((clock) => {
      alpha = sandboxCarrier({ id: 'alpha-co', clock, fault: (op, attempt) => (op === 'createShipment' && attempt === 1 ? 'rejected' : null) });
      beta = sandboxCarrier({ id: 'beta-co', clock });
      // beta-co's first purchase goes through, and its answer never comes back: the process is gone.
      const buy = beta.createShipment.bind(beta);
      let calls = 0;
      beta.createShipment = async (request, options) => {
        const label = await buy(request, options);
        if (++calls === 1) await new Promise<void>((resolve) => (release = resolve));
        return label;
      };
      return { carriers: [alpha, beta], policy: { rateSelection: 'cheapest', retry: { timeoutMs: 600_000, retries: 0, baseDelayMs: 1 } } };
    });
    const { ff, storage, clock, payments, notifier, shipmentId } = shop;
    const dying = ff.fulfillment.ship(shipmentId);
    for (let i = 0; i < 50 && release === undefined; i++) await new Promise((r) => setTimeout(r, 5));
    expect(release, 'beta-co was asked').toBeDefined();
    clock.advance(61_000); // past the intent lease
    const successor = createFulfillment({ storage, clock, locations: [EAST, WEST], carriers: [alpha!, beta!], payments, notifier, policy: { rateSelection: 'cheapest', retry: { timeoutMs: 200, retries: 0, baseDelayMs: 1 } } });
    const { shipment: shipped } = await successor.fulfillment.ship(shipmentId);
    expect(shipped.rate?.carrierId).toBe('beta-co');
    expect(shipped.label?.trackingNumber).toBe(beta!.labels()[0]?.trackingNumber);
    expect(beta!.labels()).toHaveLength(1);
    expect(alpha!.labels()).toHaveLength(0);
    release!();
    await dying;
  });

  /**
   * alpha-co and beta-co at equal rates; `slow` answers each purchase only when its gate opens,
   * refusing the first and selling the second (same key). `ship` starts a runner, lets its lease
   * lapse while the slow call is out, and starts a successor process on the same store.
   */
  async function leaseLapse(slow: 'alpha-co' | 'beta-co', shipInput: { service?: string } = {}) {
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
    const gates: (() => void)[] = [];
    const carriers: Record<string, ReturnType<typeof sandboxCarrier>> = {};
    const policy = { rateSelection: 'cheapest' as const, retry: { timeoutMs: 600_000, retries: 0, baseDelayMs: 1 } };
    const shop = await packedShop((clock) => {
      // The fast carrier refuses its first label (it would sell later).
      const refuseOnce = (op: string, attempt: number) => (op === 'createShipment' && attempt === 1 ? ('rejected' as const) : null);
      for (const id of ['alpha-co', 'beta-co']) carriers[id] = sandboxCarrier({ id, clock, ...(id === slow ? {} : { fault: refuseOnce }) });
      const gated = carriers[slow]!;
      const buy = gated.createShipment.bind(gated);
      let calls = 0;
      gated.createShipment = async (request, options) => {
        const n = ++calls;
        await new Promise<void>((resolve) => gates.push(resolve));
        if (n === 1) throw new FulfillmentError('CARRIER_ERROR', 'Label refused', { retryable: false });
        return buy(request, options);
      };
      return { carriers: Object.values(carriers), policy };
    });
    const { ff, storage, clock, payments, notifier, shipmentId } = shop;
    const first = ff.fulfillment.ship(shipmentId, shipInput).catch((err: unknown) => err);
    while (gates.length < 1) await tick();
    clock.advance(61_000); // the first runner's lease lapses while its call is out
    const successor = createFulfillment({ storage, clock, locations: [EAST, WEST], carriers: Object.values(carriers), payments, notifier, policy });
    const second = successor.fulfillment.ship(shipmentId).catch((err: unknown) => err);
    while (gates.length < 2) await tick();
    return { ...shop, first, second, gates, alpha: carriers['alpha-co']!, beta: carriers['beta-co']! };
  }

  it('a runner whose lease lapsed cannot move the purchase on: the one that took over buys the only label', async () => {
    const { first, second, gates, alpha, beta } = await leaseLapse('alpha-co');
    gates[0]!(); // the first runner hears its refusal: moving on to beta-co is no longer its call
    expect(await first).toMatchObject({ code: 'CARRIER_ERROR', retryable: true });
    gates[1]!();
    expect(await second).toMatchObject({ shipment: { status: 'shipped', rate: { carrierId: 'alpha-co' } } });
    expect(alpha.labels()).toHaveLength(1);
    expect(beta.labels()).toHaveLength(0);
  });

  it('a runner whose lease lapsed and who hears the last refusal leaves the intent to its successor', async () => {
    // One service: two candidates, beta-co's the last.
    const { ff, storage, order, shipmentId, first, second, gates, alpha, beta } = await leaseLapse('beta-co', { service: 'sandbox_standard' });
    gates[0]!(); // every candidate refused the first runner, but the intent is no longer its own to abandon
    expect(await first).toMatchObject({ code: 'CONCURRENCY_CONFLICT', retryable: true });
    gates[1]!();
    expect(await second).toMatchObject({ shipment: { status: 'shipped', rate: { carrierId: 'beta-co' } } });
    await ff.fulfillment.ship(shipmentId).catch(() => undefined); // a retry finds it shipped
    expect(beta.labels()).toHaveLength(1);
    expect(alpha.labels()).toHaveLength(0);
    expect((await storage.getOrder(order.id))?.intent ?? null).toBeNull();
  });

  it('a fallback that could not be recorded is taken by the retry: refusals already heard stand', async () => {
    const refuse = (op: string) => (op === 'createShipment' ? ('rejected' as const) : null);
    let gamma: ReturnType<typeof sandboxCarrier> | undefined;
    const { ff, storage, shipmentId } = await packedShop((clock) => {
      gamma = sandboxCarrier({ id: 'gamma-co', clock });
      return {
        carriers: [sandboxCarrier({ id: 'alpha-co', clock, fault: refuse }), sandboxCarrier({ id: 'beta-co', clock, fault: refuse }), gamma],
        policy: { rateSelection: 'cheapest', retry: { timeoutMs: 200, retries: 0, baseDelayMs: 1 } },
      };
    });
    const update = storage.updateOrder.bind(storage);
    let failed = false;
    storage.updateOrder = async (write, expectedVersion) => {
      const effect = write.order.intent?.effects[0];
      if (!failed && effect?.kind === 'purchaseLabel' && effect.reached === 2) {
        failed = true;
        throw new FulfillmentError('ADAPTER_ERROR', 'Store unavailable', { retryable: true });
      }
      return update(write, expectedVersion);
    };
    await expectCode(ff.fulfillment.ship(shipmentId), 'CARRIER_ERROR');
    expect(gamma!.labels()).toHaveLength(0);
    const { shipment: shipped } = await ff.fulfillment.ship(shipmentId);
    expect(shipped.rate?.carrierId).toBe('gamma-co');
    expect(gamma!.labels()).toHaveLength(1);
  });

  it('cancelling after a fallback whose answer was lost voids that label and buys none at the carrier that refused', async () => {
    const { ff, order, picky, lossy } = await refusedThenLost();
    await ff.orders.cancel(order.id, { reason: 'customer changed mind' });
    const tn = lossy.labels()[0]!.trackingNumber;
    expect(lossy.schedule(tn).map((e) => e.status)).toContain('cancelled');
    expect(lossy.labels()).toHaveLength(1);
    expect(picky.labels()).toHaveLength(0);
  });

  it('cancelling after a purchase whose answer was lost voids the label the carrier did sell', async () => {
    const { ff, shipmentId, order, carrier } = await packedShop(undefined, {}, {
      carrier: { fault: (op, attempt) => (op === 'createShipment' && attempt <= 3 ? 'late' : null) },
    });
    await expectCode(ff.fulfillment.ship(shipmentId), 'CARRIER_ERROR');
    expect(carrier.labels()).toHaveLength(1);
    await ff.orders.cancel(order.id, { reason: 'customer changed mind' });
    const tn = carrier.labels()[0]!.trackingNumber;
    expect(carrier.schedule(tn).map((e) => e.status)).toContain('cancelled');
    expect(carrier.labels()).toHaveLength(1);
  });

  it('NO_RATES when no carrier serves the destination, with the carriers’ messages', async () => {
    const { ff, shipmentId, order } = await packedShop((clock) => ({ carriers: [sandboxCarrier({ clock, destinations: ['CA'] })] }));
    const error = await expectCode(ff.fulfillment.ship(shipmentId), 'NO_RATES');
    expect(error.details.messages).toEqual([expect.objectContaining({ code: 'NO_SERVICE_TO_DESTINATION' })]);
    expect(shipmentOf(await reload(ff, order.id)).status).toBe('packed');
  });

  it('NO_RATES names a carrier whose rate request failed', async () => {
    const { ff, shipmentId } = await packedShop((clock) => ({ carriers: [sandboxCarrier({ clock, failures: { getRates: 'always' } })] }));
    const error = await expectCode(ff.fulfillment.ship(shipmentId), 'NO_RATES');
    expect(error.details.messages).toEqual([expect.objectContaining({ code: 'RATE_REQUEST_FAILED' })]);
  });

  it('a shipment that is not packed cannot ship', async () => {
    const { ff } = makeShop();
    await stock(ff, 'east', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 1 }));
    await expectCode(ff.fulfillment.ship(shipmentOf(order).id), 'INVALID_TRANSITION');
  });
});

describe('shipping once', () => {
  it('shipping twice is INVALID_TRANSITION and the carrier sold exactly one label', async () => {
    const { ff, shipmentId, carrier, payments } = await packedShop();
    const { shipment: shipped } = await ff.fulfillment.ship(shipmentId);
    expect(shipped.status).toBe('shipped');
    await expectCode(ff.fulfillment.ship(shipmentId), 'INVALID_TRANSITION');
    expect(carrier.labels()).toHaveLength(1);
    expect(payments.ledger().filter((e) => e.operation === 'capture')).toHaveLength(1);
  });

  it('concurrent ship calls buy one label and capture once', async () => {
    const { ff, shipmentId, order, carrier, payments } = await packedShop();
    const outcomes = await Promise.allSettled([ff.fulfillment.ship(shipmentId), ff.fulfillment.ship(shipmentId)]);
    // The second joins the first at its intent and returns the same shipment.
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(carrier.labels()).toHaveLength(1);
    expect(payments.ledger().filter((e) => e.operation === 'capture')).toHaveLength(1);
    // The label the order keeps is live at the carrier, not voided by the loser.
    const stored = shipmentOf(await reload(ff, order.id));
    expect(stored.status).toBe('shipped');
    expect(stored.label?.trackingNumber).toBe(carrier.labels()[0]?.trackingNumber);
    expect(carrier.schedule(stored.label?.trackingNumber ?? '').map((e) => e.status)).not.toContain('cancelled');
  });

  it('a capture failure after the label leaves label_purchased; a retry resumes without a second label or capture', async () => {
    const { ff, shipmentId, order, carrier, payments } = await packedShop(undefined, {}, { payment: { failures: { capture: 3 } } });
    await expectCode(ff.fulfillment.ship(shipmentId), 'ADAPTER_ERROR');
    const stuck = shipmentOf(await reload(ff, order.id));
    expect(stuck.status).toBe('label_purchased');
    expect(stuck.label).not.toBeNull();
    expect(await ff.inventory.level('MUG')).toMatchObject({ onHand: 5, reserved: 2 });

    const { shipment: shipped } = await ff.fulfillment.ship(shipmentId);
    expect(shipped.status).toBe('shipped');
    expect(shipped.label?.trackingNumber).toBe(stuck.label?.trackingNumber);
    expect(carrier.labels()).toHaveLength(1);
    const pay = payments.ledger().filter((e) => e.operation === 'capture');
    expect(pay.map((e) => e.amount)).toEqual([2000]);
    expect((await reload(ff, order.id)).payment).toMatchObject({ status: 'captured', captured: 2000 });
  });

  it('a capture whose reply was lost is retried under its key and charged once', async () => {
    const { ff, shipmentId, payments } = await packedShop(undefined, {}, {
      payment: { fault: (op, attempt) => (op === 'capture' && attempt === 1 ? 'late' : null) },
    });
    await ff.fulfillment.ship(shipmentId);
    const captures = payments.ledger().filter((e) => e.operation === 'capture');
    expect(captures).toHaveLength(1);
  });

  it('commits the stock: on-hand and reserved both fall, and the ledger says so', async () => {
    const { ff, shipmentId } = await packedShop();
    expect(await ff.inventory.level('MUG')).toMatchObject({ onHand: 5, reserved: 2, available: 3 });
    await ff.fulfillment.ship(shipmentId);
    expect(await ff.inventory.level('MUG')).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
    const committed = (await ff.inventory.ledger('MUG')).filter((m) => m.type === 'committed');
    expect(committed).toEqual([expect.objectContaining({ onHandDelta: -2, reservedDelta: -2 })]);
    expect(await ff.inventory.reconcile()).toEqual([]);
  });

  it('announces the shipment with its tracking link once', async () => {
    const { ff, shipmentId, notifier } = await packedShop();
    const { shipment: shipped } = await ff.fulfillment.ship(shipmentId);
    await ff.outbox.dispatch();
    await ff.outbox.dispatch();
    const sent = notifier.sent({ template: 'shipment.shipped' });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.data).toMatchObject({ trackingNumber: shipped.label?.trackingNumber, shipmentId });
  });
});
