import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMoney, currencyCodes, formatMoney, minorUnitDigits, money, moneySchema, multiplyMoney } from '../../src/domain/money.js';

describe('minorUnitDigits', () => {
  it('knows zero-, two- and three-decimal currencies', () => {
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(minorUnitDigits('KRW')).toBe(0);
    expect(minorUnitDigits('USD')).toBe(2);
    expect(minorUnitDigits('EUR')).toBe(2);
    expect(minorUnitDigits('KWD')).toBe(3);
    expect(minorUnitDigits('BHD')).toBe(3);
  });

  it('follows ISO 4217 even where display conventions drop the decimals', () => {
    // CLDR shows IQD and HUF without decimals; ISO 4217 (and payment APIs) keep 3 and 2.
    expect(minorUnitDigits('IQD')).toBe(3);
    expect(minorUnitDigits('HUF')).toBe(2);
    expect(formatMoney({ amount: 150050, currency: 'HUF' })).toBe('HUF 1,500.50');
  });

  it('is applied to every accepted currency', () => {
    for (const code of currencyCodes) expect([0, 2, 3]).toContain(minorUnitDigits(code));
  });
});

describe('formatMoney', () => {
  it('formats minor units with the digits of the currency', () => {
    expect(formatMoney({ amount: 1999, currency: 'USD' })).toBe('$19.99');
    expect(formatMoney({ amount: 1500, currency: 'JPY' })).toBe('¥1,500');
    expect(formatMoney({ amount: 1234, currency: 'KWD' })).toBe('KWD\u00a01.234');
    expect(formatMoney({ amount: 5, currency: 'USD' })).toBe('$0.05');
    expect(formatMoney({ amount: 0, currency: 'EUR' })).toBe('€0.00');
    expect(formatMoney({ amount: 123456789, currency: 'USD' })).toBe('$1,234,567.89');
  });

  it('honours the locale', () => {
    expect(formatMoney({ amount: 123456, currency: 'EUR' }, 'de-DE')).toBe('1.234,56\u00a0€');
  });
});

describe('addMoney and multiplyMoney', () => {
  it('adds amounts of one currency exactly', () => {
    expect(addMoney(money(1999, 'USD'), money(1, 'USD'))).toEqual({ amount: 2000, currency: 'USD' });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 1e12 }), (a, b) => {
        const sum = addMoney(money(a, 'EUR'), money(b, 'EUR'));
        expect(sum).toEqual({ amount: a + b, currency: 'EUR' });
        expect(moneySchema.safeParse(sum).success).toBe(true);
      }),
    );
  });

  it('refuses to add different currencies', () => {
    expect(() => addMoney(money(1, 'USD'), money(1, 'EUR'))).toThrow(/Currency mismatch: USD vs EUR/);
  });

  it('multiplies a unit price by a quantity', () => {
    expect(multiplyMoney(money(1500, 'USD'), 3)).toEqual({ amount: 4500, currency: 'USD' });
  });
});
