// Configuration mistakes surface where they are made: createFulfillment rejects
// what it is given wrongly, and a command that needs something left out says
// what, before it changes anything.
import { describe, expect, it } from 'vitest';
import { sandboxCarrier } from '../../src/carriers/sandbox/sandbox-carrier.js';
import { sandboxPayment } from '../../src/payments/sandbox/sandbox-payment.js';
import { memoryStorage } from '../../src/storage/memory/memory-storage.js';
import { FulfillmentError } from '../../src/domain/errors.js';
import { type FulfillmentConfig, createFulfillment } from '../../src/index.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { EAST, WEST, orderFor } from '../helpers/shop.js';

function configurationError(run: () => unknown): FulfillmentError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(FulfillmentError);
    expect((err as FulfillmentError).code).toBe('CONFIGURATION_ERROR');
    return err as FulfillmentError;
  }
  throw new Error('expected CONFIGURATION_ERROR');
}

async function rejectsWith(promise: Promise<unknown>): Promise<FulfillmentError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FulfillmentError);
  expect((err as FulfillmentError).code).toBe('CONFIGURATION_ERROR');
  return err as FulfillmentError;
}

const build = (config: unknown) => () => createFulfillment(config as FulfillmentConfig);

describe('createFulfillment rejects a wrong configuration', () => {
  it('names an unknown option (a misspelt key would otherwise be ignored)', () => {
    const err = configurationError(build({ locations: [EAST], payment: sandboxPayment() }));
    expect(err.message).toContain('"payment"');
    expect(err.details).toEqual({ option: ['payment'] });
  });

  it('rejects a location without an address, naming the location and field', () => {
    const err = configurationError(build({ locations: [{ id: 'dc', name: 'DC' }] }));
    expect(err.message).toContain('"dc"');
    expect(err.details).toMatchObject({ option: 'locations', index: 0, issues: [expect.objectContaining({ path: 'address' })] });
  });

  it('rejects duplicate location and carrier ids', () => {
    expect(configurationError(build({ locations: [EAST, { ...WEST, id: EAST.id }] })).details).toEqual({ option: 'locations', duplicates: [EAST.id] });
    expect(configurationError(build({ locations: [EAST], carriers: [sandboxCarrier(), sandboxCarrier()] })).details).toEqual({
      option: 'carriers',
      duplicates: ['sandbox'],
    });
  });

  it('rejects adapters that do not implement their port', () => {
    expect(configurationError(build({ carriers: [{ id: 'ups', getRates: () => [] }] })).details).toMatchObject({
      option: 'carriers',
      missing: ['createShipment', 'voidShipment', 'track'],
    });
    expect(configurationError(build({ carriers: [{}] })).details).toEqual({ option: 'carriers', index: 0 });
    expect(configurationError(build({ payments: { authorize() {} } })).details).toMatchObject({ option: 'payments' });
    expect(configurationError(build({ notifier: [{}] })).details).toMatchObject({ option: 'notifier', index: 0 });
    expect(configurationError(build({ storage: {} })).details).toMatchObject({ option: 'storage' });
    expect(configurationError(build({ clock: { now: 5 } })).details).toEqual({ option: 'clock' });
    expect(configurationError(build({ locations: 'dc' })).details).toEqual({ option: 'locations' });
  });

  it('rejects an invalid or misspelt policy', () => {
    const typo = configurationError(build({ policy: { backorder: true } }));
    expect(typo.details).toMatchObject({ option: 'policy' });
    for (const policy of [
      { capture: 'on_delivery' },
      { allocation: 'closest' },
      { rateSelection: 'cheap' },
      { reservationTtlMs: 0 },
      { retry: { retries: -1 } },
      { outboxMaxAttempts: 0 },
    ]) {
      expect(configurationError(build({ policy })).details, JSON.stringify(policy)).toMatchObject({ option: 'policy' });
    }
    expect(() => createFulfillment({ policy: { allocation: (input) => ({ assignments: [], shortfall: input.lines }) as never } })).not.toThrow();
  });

  it('rejects an empty or invalid box catalog', () => {
    expect(configurationError(build({ boxes: [] })).details).toEqual({ option: 'boxes' });
    expect(configurationError(build({ boxes: [{ id: 'small' }] })).details).toMatchObject({ option: 'boxes', index: 0 });
  });

  it('accepts a back-office instance with storage only', () => {
    const ff = createFulfillment({ storage: memoryStorage() });
    return expect(ff.orders.list()).resolves.toMatchObject({ items: [] });
  });
});

describe('a command that needs what was left out says so first', () => {
  const clock = fakeClock('2026-03-02T09:00:00.000Z');

  it('place without carriers fails before any stock is reserved or payment authorized', async () => {
    const payments = sandboxPayment({ clock });
    const storage = memoryStorage();
    const ff = createFulfillment({ storage, clock, locations: [EAST], payments });
    await ff.inventory.receive({ sku: 'TEE-M', locationId: EAST.id, quantity: 5 });
    const err = await rejectsWith(ff.orders.place(orderFor({ 'TEE-M': 1 })));
    expect(err.details).toEqual({ command: 'orders.place', missing: ['carriers'] });
    expect(err.message).toContain('carriers');
    expect((await ff.inventory.level('TEE-M')).reserved).toBe(0);
    expect(payments.ledger()).toEqual([]);
    expect((await ff.orders.list()).items).toEqual([]);
  });

  it('place without locations reports the missing locations, not INSUFFICIENT_STOCK', async () => {
    const ff = createFulfillment({ clock, carriers: [sandboxCarrier({ clock })], payments: sandboxPayment({ clock }) });
    const err = await rejectsWith(ff.orders.place(orderFor({ 'TEE-M': 1 })));
    expect(err.details).toEqual({ command: 'orders.place', missing: ['locations'] });
  });

  it('names every missing part at once', async () => {
    const ff = createFulfillment({ clock });
    expect((await rejectsWith(ff.orders.place(orderFor({ 'TEE-M': 1 })))).details).toEqual({
      command: 'orders.place',
      missing: ['locations', 'carriers', 'payments'],
    });
    expect((await rejectsWith(ff.inventory.receive({ sku: 'TEE-M', locationId: 'dc', quantity: 1 }))).details).toEqual({
      command: 'inventory.receive',
      missing: ['locations'],
    });
    expect((await rejectsWith(ff.fulfillment.ship('shp_1'))).details).toEqual({ command: 'fulfillment.ship', missing: ['carriers'] });
    expect((await rejectsWith(ff.orders.retryPayment('ord_1', { method: 'tok_visa' }))).details).toEqual({
      command: 'orders.retryPayment',
      missing: ['payments'],
    });
    expect((await rejectsWith(ff.fulfillment.pickList({ locationId: 'dc' }))).details).toEqual({ command: 'fulfillment.pickList', missing: ['locations'] });
    expect((await rejectsWith(ff.returns.receive('ret_1', { lines: [{ sku: 'TEE-M', quantity: 1 }] }))).details).toEqual({
      command: 'returns.receive',
      missing: ['payments'],
    });
  });
});
