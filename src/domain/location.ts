// Stock locations: warehouses, stores, 3PL nodes.
import { z } from 'zod';
import { addressSchema, coordinatesSchema } from './address.js';

/**
 * A place that holds stock and ships from it.
 *
 * @example
 * ```ts
 * const east: Location = {
 *   id: 'east', name: 'East DC',
 *   address: { name: 'East DC', line1: '1 Dock Rd', city: 'Newark', postalCode: '07102', country: 'US' },
 *   coordinates: { lat: 40.73, lng: -74.17 }, priority: 1,
 * };
 * ```
 */
export const locationSchema = z.strictObject({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  address: addressSchema,
  coordinates: coordinatesSchema.optional(),
  /** Lower numbers are preferred by the `priority` allocation strategy. */
  priority: z.number().int().optional(),
});

/** A stock location. */
export type Location = z.infer<typeof locationSchema>;
