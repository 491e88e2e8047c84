// EasyPost and Shippo name address fields alike (street1, street2, state, zip):
// one mapping from the domain address, optional fields left out rather than sent empty.
import type { Address } from '../domain/address.js';

/** An address in the `street1` / `zip` shape EasyPost and Shippo both take. */
export function toStreetAddress(a: Address) {
  return {
    name: a.name,
    ...(a.company === undefined ? {} : { company: a.company }),
    street1: a.line1,
    ...(a.line2 === undefined ? {} : { street2: a.line2 }),
    city: a.city,
    ...(a.region === undefined ? {} : { state: a.region }),
    zip: a.postalCode,
    country: a.country,
    ...(a.phone === undefined ? {} : { phone: a.phone }),
    ...(a.email === undefined ? {} : { email: a.email }),
  };
}
