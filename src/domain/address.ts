// Postal addresses and geographic coordinates, validated against ISO 3166-1
// country codes and, for common destinations, the country's postal-code format.
import { z } from 'zod';

const COUNTRIES =
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW ' +
  'BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI ' +
  'FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN ' +
  'IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME ' +
  'MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF ' +
  'PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV ' +
  'SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE ' +
  'YT ZA ZM ZW';

/**
 * ISO 3166-1 alpha-2 country codes fulfillkit accepts.
 *
 * @example
 * ```ts
 * countryCodes.has('DE'); // true
 * countryCodes.has('XX'); // false
 * ```
 */
export const countryCodes: ReadonlySet<string> = new Set(COUNTRIES.split(' '));

// Formats for the destinations most shops ship to; others get a generic check.
// A Map, not an object literal: the key is customer input, and `__proto__` or
// `constructor` must find nothing rather than something on Object.prototype.
const POSTAL_FORMATS: ReadonlyMap<string, RegExp> = new Map([
  ['US', /^\d{5}(-\d{4})?$/],
  ['CA', /^[A-Z]\d[A-Z] ?\d[A-Z]\d$/i],
  ['GB', /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i],
  ['DE', /^\d{5}$/],
  ['FR', /^\d{5}$/],
  ['ES', /^\d{5}$/],
  ['IT', /^\d{5}$/],
  ['NL', /^\d{4} ?[A-Z]{2}$/i],
  ['AU', /^\d{4}$/],
  ['JP', /^\d{3}-?\d{4}$/],
]);
const GENERIC_POSTAL = /^[A-Z0-9][A-Z0-9 -]{1,10}$/i;

/**
 * An ISO 3166-1 alpha-2 country code, upper case.
 *
 * @example
 * ```ts
 * countrySchema.parse('US'); // 'US'
 * countrySchema.safeParse('us').success; // false: upper case only
 * ```
 */
export const countrySchema = z
  .string()
  .refine((c) => countryCodes.has(c), { message: 'Unknown ISO 3166-1 alpha-2 country code' });

/**
 * A postal address.
 *
 * @example
 * ```ts
 * const to: Address = {
 *   name: 'Ada Lovelace', line1: '1 Main St', city: 'Springfield',
 *   region: 'IL', postalCode: '62701', country: 'US',
 * };
 * ```
 *
 * @example
 * ```ts
 * const address = addressSchema.parse({
 *   name: 'Ada Lovelace', line1: '12 Elm St', city: 'Boston', region: 'MA', postalCode: '02108', country: 'US',
 * });
 * ```
 */
export const addressSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    company: z.string().max(200).optional(),
    line1: z.string().trim().min(1).max(200),
    line2: z.string().max(200).optional(),
    city: z.string().trim().min(1).max(100),
    region: z.string().max(100).optional(),
    postalCode: z.string().trim().min(1).max(16),
    country: countrySchema,
    phone: z.string().max(40).optional(),
    email: z.email().optional(),
  })
  .superRefine((a, ctx) => {
    const format = POSTAL_FORMATS.get(a.country) ?? GENERIC_POSTAL;
    if (!format.test(a.postalCode)) {
      ctx.addIssue({
        code: 'custom',
        path: ['postalCode'],
        message: `Postal code "${a.postalCode}" is not valid for ${a.country}`,
      });
    }
  });

/** A postal address. */
export type Address = z.infer<typeof addressSchema>;

/**
 * A point on the globe in decimal degrees.
 *
 * @example
 * ```ts
 * coordinatesSchema.parse({ lat: 40.7357, lng: -74.1724 });
 * ```
 */
export const coordinatesSchema = z.strictObject({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
});

/** A point on the globe in decimal degrees. */
export type Coordinates = z.infer<typeof coordinatesSchema>;

const EARTH_RADIUS_KM = 6371.0088;

/**
 * Great-circle distance in kilometres (haversine).
 *
 * @example
 * ```ts
 * greatCircleKm({ lat: 51.5, lng: -0.12 }, { lat: 48.85, lng: 2.35 }); // ≈ 343
 * ```
 */
export function greatCircleKm(a: Coordinates, b: Coordinates): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
