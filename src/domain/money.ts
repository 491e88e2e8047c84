// Money as integer minor units plus an ISO 4217 currency; floats never appear.
import { z } from 'zod';

// Active ISO 4217 codes (funds codes and precious metals excluded).
const CURRENCIES =
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD ' +
  'CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF ' +
  'GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP ' +
  'LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB ' +
  'PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL ' +
  'THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG';

const ZERO_DECIMAL = new Set('BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF'.split(' '));
const THREE_DECIMAL = new Set('BHD IQD JOD KWD LYD OMR TND'.split(' '));

/**
 * The set of ISO 4217 currency codes fulfillkit accepts.
 *
 * @example
 * ```ts
 * currencyCodes.has('EUR'); // true
 * ```
 */
export const currencyCodes: ReadonlySet<string> = new Set(CURRENCIES.split(' '));

/**
 * An ISO 4217 currency code, upper case (`USD`, `EUR`, `JPY`).
 *
 * @example
 * ```ts
 * currencySchema.parse('JPY'); // 'JPY'
 * currencySchema.safeParse('EURO').success; // false
 * ```
 */
export const currencySchema = z
  .string()
  .refine((c) => currencyCodes.has(c), { message: 'Unknown ISO 4217 currency code' });

/** An ISO 4217 currency code. */
export type Currency = z.infer<typeof currencySchema>;

/**
 * An amount of money in integer minor units (cents for USD, yen for JPY).
 *
 * @example
 * ```ts
 * const price: Money = { amount: 1999, currency: 'USD' }; // $19.99
 * ```
 */
export const moneySchema = z.strictObject({
  amount: z
    .number()
    .int({ message: 'Money amount must be an integer number of minor units' })
    .nonnegative()
    .max(Number.MAX_SAFE_INTEGER),
  currency: currencySchema,
});

/** An amount of money in integer minor units. */
export type Money = z.infer<typeof moneySchema>;

/**
 * Number of decimal places of a currency's minor unit (2 for USD, 0 for JPY, 3 for KWD).
 *
 * @example
 * ```ts
 * minorUnitDigits('USD'); // 2
 * minorUnitDigits('JPY'); // 0
 * minorUnitDigits('KWD'); // 3
 * ```
 */
export function minorUnitDigits(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

/**
 * Build a {@link Money} value.
 *
 * @example
 * ```ts
 * money(1250, 'EUR'); // { amount: 1250, currency: 'EUR' }
 * ```
 */
export function money(amount: number, currency: string): Money {
  return { amount, currency };
}

/**
 * Add monies of one currency; throws on a currency mismatch.
 *
 * @example
 * ```ts
 * addMoney(money(1900, 'USD'), money(595, 'USD')); // { amount: 2495, currency: 'USD' }
 * addMoney(money(1, 'USD'), money(1, 'EUR')); // throws: currencies differ
 * ```
 */
export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amount: a.amount + b.amount, currency: a.currency };
}

/**
 * Multiply a unit price by a whole quantity.
 *
 * @example
 * ```ts
 * multiplyMoney(money(1900, 'USD'), 3); // { amount: 5700, currency: 'USD' }
 * ```
 */
export function multiplyMoney(a: Money, quantity: number): Money {
  return { amount: a.amount * quantity, currency: a.currency };
}

/**
 * Format money for people, e.g. `$19.99` or `¥1,500`.
 *
 * @example
 * ```ts
 * formatMoney(money(1999, 'USD')); // '$19.99'
 * formatMoney(money(1500, 'JPY'), 'ja-JP'); // '￥1,500'
 * ```
 */
export function formatMoney(m: Money, locale = 'en-US'): string {
  return currencyFormat(locale, m.currency).format(m.amount / 10 ** minorUnitDigits(m.currency));
}

// Building an Intl.NumberFormat costs far more than formatting with one, and
// every notification formats a total: keep a few.
const formats = new Map<string, Intl.NumberFormat>();
const MAX_FORMATS = 64;

function currencyFormat(locale: string, currency: string): Intl.NumberFormat {
  const id = `${locale} ${currency}`;
  let format = formats.get(id);
  if (format === undefined) {
    const digits = minorUnitDigits(currency);
    format = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    if (formats.size >= MAX_FORMATS) formats.clear();
    formats.set(id, format);
  }
  return format;
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new TypeError(`Currency mismatch: ${a.currency} vs ${b.currency}`);
  }
}
