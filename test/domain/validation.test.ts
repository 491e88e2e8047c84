import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { FulfillmentError, parseInput } from '../../src/domain/errors.js';
import { adjustInputSchema, receiveInputSchema } from '../../src/domain/inventory.js';
import { orderInputSchema } from '../../src/domain/order.js';

const validOrder = {
  reference: '#1001',
  customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
  shippingAddress: { name: 'Ada Lovelace', line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
  currency: 'USD',
  lines: [
    {
      sku: 'TEE-M',
      quantity: 2,
      unitPrice: { amount: 1500, currency: 'USD' },
      weight: { value: 200, unit: 'g' },
      dimensions: { length: 25, width: 20, height: 3, unit: 'cm' },
    },
  ],
  payment: { method: 'tok_visa' },
};
const validReceive = { sku: 'TEE-M', locationId: 'east', quantity: 10, bin: 'A-03-2' };
const validAdjust = { sku: 'TEE-M', locationId: 'east', delta: -2, reason: 'damaged' };

// biome-ignore lint/suspicious/noExplicitAny: fixtures are patched into invalid shapes on purpose
type Loose = Record<string, any>;
type Patch = (input: Loose) => void;

function mutate<T>(base: T, patch: Patch): unknown {
  const copy = structuredClone(base) as Loose;
  patch(copy);
  return copy;
}

function expectInvalid(schema: z.ZodType, what: string, input: unknown, path: string, mention = path): void {
  let error: unknown;
  try {
    parseInput(schema, input, what);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(FulfillmentError);
  const fe = error as FulfillmentError;
  expect(fe.code).toBe('VALIDATION_FAILED');
  expect(fe.message).toContain(`Invalid ${what}`);
  expect(fe.message).toContain(mention);
  const issues = fe.details.issues as { path: string; message: string }[];
  expect(issues.map((i) => i.path)).toContain(path);
}

const orderCases: [string, Patch, string, string?][] = [
  ['missing customer', (o) => delete o.customer, 'customer'],
  ['missing lines', (o) => delete o.lines, 'lines'],
  ['empty lines', (o) => (o.lines = []), 'lines'],
  ['missing payment method', (o) => (o.payment = {}), 'payment.method'],
  ['negative quantity', (o) => (o.lines[0].quantity = -1), 'lines.0.quantity'],
  ['zero quantity', (o) => (o.lines[0].quantity = 0), 'lines.0.quantity'],
  ['fractional quantity', (o) => (o.lines[0].quantity = 1.5), 'lines.0.quantity'],
  ['float money', (o) => (o.lines[0].unitPrice.amount = 15.99), 'lines.0.unitPrice.amount'],
  ['negative money', (o) => (o.lines[0].unitPrice.amount = -100), 'lines.0.unitPrice.amount'],
  ['money as a string', (o) => (o.lines[0].unitPrice.amount = '1500'), 'lines.0.unitPrice.amount'],
  ['unknown currency', (o) => (o.currency = 'XYZ'), 'currency'],
  ['lower-case currency', (o) => (o.currency = 'usd'), 'currency'],
  ['unknown line currency', (o) => (o.lines[0].unitPrice.currency = 'ABC'), 'lines.0.unitPrice.currency'],
  ['bad country', (o) => (o.shippingAddress.country = 'XX'), 'shippingAddress.country'],
  ['country name instead of code', (o) => (o.shippingAddress.country = 'United States'), 'shippingAddress.country'],
  ['bad US postal code', (o) => (o.shippingAddress.postalCode = '1234'), 'shippingAddress.postalCode'],
  [
    'bad UK postcode',
    (o) => Object.assign(o.shippingAddress, { country: 'GB', postalCode: '12345' }),
    'shippingAddress.postalCode',
  ],
  ['blank street', (o) => (o.shippingAddress.line1 = '   '), 'shippingAddress.line1'],
  ['bad email', (o) => (o.customer.email = 'not-an-email'), 'customer.email'],
  ['weight in stone', (o) => (o.lines[0].weight.unit = 'stone'), 'lines.0.weight.unit'],
  ['negative weight', (o) => (o.lines[0].weight.value = -1), 'lines.0.weight.value'],
  ['length in metres', (o) => (o.lines[0].dimensions.unit = 'm'), 'lines.0.dimensions.unit'],
  ['zero-length dimension', (o) => (o.lines[0].dimensions.height = 0), 'lines.0.dimensions.height'],
  ['SKU with a space', (o) => (o.lines[0].sku = 'TEE M'), 'lines.0.sku'],
  ['unknown shipping speed', (o) => (o.shipping = { speed: 'teleport' }), 'shipping.speed'],
  ['deliverBy without offset', (o) => (o.shipping = { deliverBy: '2026-12-01' }), 'shipping.deliverBy'],
  ['latitude out of range', (o) => (o.shippingCoordinates = { lat: 91, lng: 0 }), 'shippingCoordinates.lat'],
  ['extra key on a line', (o) => (o.lines[0].colour = 'red'), 'lines.0', 'colour'],
  ['extra key in the address', (o) => (o.shippingAddress.zip = '62701'), 'shippingAddress', 'zip'],
  ['extra key at the root', (o) => (o.coupon = 'FREE'), '', 'coupon'],
  ['line currency differs from the order', (o) => (o.lines[0].unitPrice.currency = 'EUR'), 'lines.0.unitPrice.currency'],
  [
    'shipping price currency differs from the order',
    (o) => (o.shipping = { price: { amount: 500, currency: 'EUR' } }),
    'shipping.price.currency',
  ],
];

const receiveCases: [string, Patch, string, string?][] = [
  ['missing sku', (r) => delete r.sku, 'sku'],
  ['missing locationId', (r) => delete r.locationId, 'locationId'],
  ['zero quantity', (r) => (r.quantity = 0), 'quantity'],
  ['negative quantity', (r) => (r.quantity = -5), 'quantity'],
  ['fractional quantity', (r) => (r.quantity = 2.5), 'quantity'],
  ['bin with spaces', (r) => (r.bin = 'A 03 2'), 'bin'],
  ['extra key', (r) => (r.cost = 100), '', 'cost'],
];

const adjustCases: [string, Patch, string, string?][] = [
  ['zero delta', (a) => (a.delta = 0), 'delta'],
  ['fractional delta', (a) => (a.delta = 0.5), 'delta'],
  ['missing reason', (a) => delete a.reason, 'reason'],
  ['empty reason', (a) => (a.reason = ''), 'reason'],
  ['extra key', (a) => (a.quantity = 3), '', 'quantity'],
];

describe('parseInput with the order schema', () => {
  it('accepts a valid order and applies defaults', () => {
    const parsed = parseInput(orderInputSchema, validOrder, 'order');
    expect(parsed.shipping).toEqual({ speed: 'standard' });
    expect(parsed.lines[0]?.quantity).toBe(2);
  });

  it.each(orderCases)('rejects %s', (_name, patch, path, mention) => {
    expectInvalid(orderInputSchema, 'order', mutate(validOrder, patch), path, mention);
  });

  it('names every offending field at once', () => {
    const input = mutate(validOrder, (o) => {
      o.currency = 'XYZ';
      o.lines[0].quantity = -1;
    });
    try {
      parseInput(orderInputSchema, input, 'order');
      expect.unreachable();
    } catch (err) {
      const issues = (err as FulfillmentError).details.issues as { path: string }[];
      expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['currency', 'lines.0.quantity']));
    }
  });

  it('rejects a non-object', () => {
    expectInvalid(orderInputSchema, 'order', null, '', '(root)');
  });
});

describe('parseInput with the receive schema', () => {
  it('accepts a valid receipt', () => {
    expect(parseInput(receiveInputSchema, validReceive, 'receipt')).toEqual(validReceive);
  });

  it.each(receiveCases)('rejects %s', (_name, patch, path, mention) => {
    expectInvalid(receiveInputSchema, 'receipt', mutate(validReceive, patch), path, mention);
  });
});

describe('parseInput with the adjust schema', () => {
  it('accepts a valid adjustment', () => {
    expect(parseInput(adjustInputSchema, validAdjust, 'adjustment')).toEqual(validAdjust);
  });

  it.each(adjustCases)('rejects %s', (_name, patch, path, mention) => {
    expectInvalid(adjustInputSchema, 'adjustment', mutate(validAdjust, patch), path, mention);
  });
});
