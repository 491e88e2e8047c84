// Shipping zones: how far a parcel travels (local, domestic, regional,
// international) and which of a merchant's postal zones an address falls in.
import type { Address } from '../domain/address.js';

/** Distance class of a route, from the same postal area to another continent. */
export type ShippingZone = 'local' | 'domestic' | 'regional' | 'international';

/** Groups of countries that ship to each other as "regional" (road or short-haul air). */
export const SHIPPING_REGIONS: Readonly<Record<string, readonly string[]>> = {
  europe: (
    'AT BE BG CH CY CZ DE DK EE ES FI FR GB GR HR HU IE IS IT LI LT LU LV MC MT NL NO PL PT RO SE SI SK SM VA'
  ).split(' '),
  north_america: ['US', 'CA', 'MX'],
  oceania: ['AU', 'NZ'],
  east_asia: ['CN', 'HK', 'JP', 'KR', 'MO', 'TW'],
  southeast_asia: ['BN', 'ID', 'KH', 'LA', 'MM', 'MY', 'PH', 'SG', 'TH', 'VN'],
  gulf: ['AE', 'BH', 'KW', 'OM', 'QA', 'SA'],
};

const regionOf = new Map<string, string>();
for (const [region, countries] of Object.entries(SHIPPING_REGIONS)) {
  for (const country of countries) regionOf.set(country, region);
}

/**
 * Classify a route: `local` within the same country and the same first two
 * postal characters, `domestic` within one country, `regional` within one of
 * {@link SHIPPING_REGIONS}, `international` otherwise.
 *
 * @example
 * ```ts
 * shippingZone({ country: 'US', postalCode: '10001' }, { country: 'US', postalCode: '10013' }); // 'local'
 * shippingZone({ country: 'DE', postalCode: '10115' }, { country: 'FR', postalCode: '75001' }); // 'regional'
 * ```
 */
export function shippingZone(
  from: Pick<Address, 'country' | 'postalCode'>,
  to: Pick<Address, 'country' | 'postalCode'>,
): ShippingZone {
  if (from.country === to.country) {
    return postalKey(from.postalCode).slice(0, 2) === postalKey(to.postalCode).slice(0, 2) ? 'local' : 'domestic';
  }
  const region = regionOf.get(from.country);
  return region !== undefined && region === regionOf.get(to.country) ? 'regional' : 'international';
}

/** A merchant-defined zone: countries, optionally narrowed to postal-code prefixes. */
export interface PostalZone {
  /** Name the zone's prices refer to (`domestic`, `islands`, `eu`). */
  id: string;
  /** ISO 3166-1 alpha-2 codes. */
  countries: readonly string[];
  /** Postal-code prefixes within those countries (spaces and case ignored); all codes when omitted. */
  postalPrefixes?: readonly string[];
}

/**
 * The first zone the address falls in, or `null`. List narrow zones (postal
 * prefixes) before broad ones (whole countries): the first match wins.
 *
 * @example
 * ```ts
 * const zones = [
 *   { id: 'highlands', countries: ['GB'], postalPrefixes: ['IV', 'KW'] },
 *   { id: 'mainland', countries: ['GB'] },
 * ];
 * matchPostalZone(zones, { country: 'GB', postalCode: 'IV1 1AA' })?.id; // 'highlands'
 * ```
 */
export function matchPostalZone<Z extends PostalZone>(
  zones: readonly Z[],
  address: Pick<Address, 'country' | 'postalCode'>,
): Z | null {
  const postal = postalKey(address.postalCode);
  for (const zone of zones) {
    if (!zone.countries.includes(address.country)) continue;
    if (zone.postalPrefixes === undefined || zone.postalPrefixes.some((p) => postal.startsWith(postalKey(p)))) {
      return zone;
    }
  }
  return null;
}

function postalKey(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}
