// Builders of valid domain records for tests of adapters and engines.
import { nanoid } from 'nanoid';
import type { Order } from '../domain/order.js';

/**
 * A complete, valid {@link Order} (it satisfies `orderSchema`): a new,
 * unpaid order of one line, version 1, status `pending_payment`, with a
 * fresh random id. Top-level fields in `overrides` replace the defaults.
 *
 * @example
 * ```ts
 * import { makeTestOrder } from 'fulfillkit/testing';
 *
 * const order = makeTestOrder({ status: 'processing', reference: 'A-1001' });
 * await storage.createOrder({ order: { ...order, status: 'pending_payment' } });
 * ```
 */
export function makeTestOrder(overrides: Partial<Order> = {}): Order {
  const id = overrides.id ?? `ord_${nanoid()}`;
  const at = overrides.createdAt ?? '2025-01-01T00:00:00.000Z';
  const unitPrice = { amount: 1500, currency: 'USD' };
  return {
    id,
    reference: null,
    version: 1,
    status: 'pending_payment',
    createdAt: at,
    updatedAt: at,
    customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
    shippingAddress: { name: 'Ada Lovelace', line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
    shippingCoordinates: null,
    billingAddress: null,
    currency: 'USD',
    lines: [
      {
        id: `line_${nanoid(10)}`,
        sku: 'TEE-M',
        name: 'T-shirt (M)',
        quantity: 2,
        unitPrice,
        weight: { value: 180, unit: 'g' },
        dimensions: null,
        fragile: false,
        giftWrap: false,
        backordered: 0,
        cancelled: 0,
        shipped: 0,
        returned: 0,
      },
    ],
    shippingPreference: { speed: 'standard', deliverBy: null },
    totals: {
      subtotal: { amount: 3000, currency: 'USD' },
      shipping: { amount: 500, currency: 'USD' },
      total: { amount: 3500, currency: 'USD' },
    },
    payment: {
      provider: 'sandbox',
      method: 'tok_visa',
      status: 'requires_action',
      paymentId: null,
      amount: { amount: 3500, currency: 'USD' },
      authorized: 0,
      captured: 0,
      refunded: 0,
      attempts: 0,
      lastError: null,
    },
    reservationId: null,
    shipments: [],
    returns: [],
    hold: null,
    cancellation: null,
    giftMessage: null,
    notes: null,
    metadata: {},
    machine: { version: 1, snapshot: { value: 'pendingPayment', status: 'active', context: {} } },
    ...overrides,
  };
}
