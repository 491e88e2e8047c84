// Shared addresses and parcels for the carrier adapter tests.
import type { RateRequest } from '../../src/ports/carrier.js';

export const warehouse = { name: 'Warehouse', line1: '1 Dock Rd', city: 'Newark', region: 'NJ', postalCode: '07102', country: 'US' };
export const customer = { name: 'Ada Lovelace', line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' };

export const parcel = (grams: number) => ({
  dimensions: { length: 30, width: 20, height: 10, unit: 'cm' as const },
  weight: { value: grams, unit: 'g' as const },
  items: [],
  fragile: false,
  giftWrap: false,
});

export const usRequest: RateRequest = {
  shipmentId: 'shp_1',
  from: warehouse,
  to: customer,
  parcels: [parcel(1200)],
  currency: 'USD',
  shipDate: '2025-01-01T00:00:00.000Z',
};
