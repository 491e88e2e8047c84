import { describe, expect, it } from 'vitest';
import type { Rate } from '../../src/domain/shipment.js';
import { addBusinessDays, arrivalDay, rankRates, type RateSelectionContext } from '../../src/shipping/rate-shop.js';

function rate(carrierId: string, service: string, speed: Rate['speed'], amount: number, transitDays: number | null, estimatedDelivery: string | null = null): Rate {
  return { carrierId, service, speed, amount: { amount, currency: 'USD' }, transitDays, estimatedDelivery };
}

const economy = rate('usps', 'ground', 'economy', 900, 5);
const upsGround = rate('ups', 'ground', 'standard', 1200, 3);
const fedexHome = rate('fedex', 'home', 'standard', 1200, 2);
const nextDay = rate('ups', 'next-day', 'overnight', 3500, 1);
const dhl = rate('dhl', 'express', 'express', 2500, null, '2026-12-01');
const rates = [economy, upsGround, fedexHome, nextDay, dhl];

// Friday 27 November 2026, 10:00 UTC.
const now = new Date('2026-11-27T10:00:00Z');
const context = (over: Partial<RateSelectionContext> = {}): RateSelectionContext => ({ speed: 'standard', deliverBy: null, now, ...over });
const names = (list: Rate[]) => list.map((r) => `${r.carrierId}/${r.service}`);

describe('addBusinessDays', () => {
  it('skips weekends and keeps the time of day', () => {
    expect(addBusinessDays(now, 1).toISOString()).toBe('2026-11-30T10:00:00.000Z');
    expect(addBusinessDays(now, 0).toISOString()).toBe(now.toISOString());
    expect(addBusinessDays(new Date('2026-11-28T08:00:00Z'), 1).toISOString()).toBe('2026-11-30T08:00:00.000Z');
    expect(addBusinessDays(new Date('2026-11-30T08:00:00Z'), 5).toISOString()).toBe('2026-12-07T08:00:00.000Z');
    expect(addBusinessDays(new Date('2026-11-30T08:00:00Z'), -1).toISOString()).toBe('2026-11-27T08:00:00.000Z');
  });

  it('does not mutate its input and rejects fractions', () => {
    const start = new Date(now);
    addBusinessDays(start, 3);
    expect(start.toISOString()).toBe(now.toISOString());
    expect(() => addBusinessDays(now, 1.5)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

describe('arrivalDay', () => {
  it('prefers the carrier estimate, else counts business days, else is unknown', () => {
    expect(arrivalDay(dhl, now)).toBe('2026-12-01');
    expect(arrivalDay(fedexHome, now)).toBe('2026-12-01');
    expect(arrivalDay(rate('x', 'y', 'standard', 1, null), now)).toBeNull();
  });
});

describe('rankRates', () => {
  it('cheapest: only rates at least as fast as requested, by price then transit time', () => {
    expect(names(rankRates(rates, 'cheapest', context()))).toEqual(['fedex/home', 'ups/ground', 'dhl/express', 'ups/next-day']);
    expect(names(rankRates(rates, 'cheapest', context({ speed: 'economy' })))[0]).toBe('usps/ground');
    expect(names(rankRates(rates, 'cheapest', context({ speed: 'overnight' })))).toEqual(['ups/next-day']);
  });

  it('cheapest: falls back to every rate when none is fast enough', () => {
    expect(names(rankRates([economy, upsGround], 'cheapest', context({ speed: 'overnight' })))).toEqual(['usps/ground', 'ups/ground']);
  });

  it('cheapest: breaks a full tie by carrier id', () => {
    const a = rate('zeta', 's', 'standard', 1000, 2);
    const b = rate('alpha', 's', 'standard', 1000, 2);
    expect(names(rankRates([a, b], 'cheapest', context()))).toEqual(['alpha/s', 'zeta/s']);
  });

  it('fastest: by transit days, unknown last, cheaper first on ties', () => {
    const slowCheap = rate('cheap', 'two', 'standard', 1000, 2);
    expect(names(rankRates([...rates, slowCheap], 'fastest', context()))).toEqual([
      'ups/next-day',
      'cheap/two',
      'fedex/home',
      'ups/ground',
      'usps/ground',
      'dhl/express',
    ]);
  });

  it('deliverBy: cheapest among rates arriving on or before the day', () => {
    const ranked = rankRates(rates, 'deliverBy', context({ deliverBy: '2026-12-01T23:59:00-05:00' }));
    expect(names(ranked)).toEqual(['fedex/home', 'dhl/express', 'ups/next-day']);
  });

  it('deliverBy: compares the day the customer wrote, not its UTC shift', () => {
    // 00:30 on 1 December in Tokyo is still 30 November in UTC.
    const ranked = rankRates([dhl, economy], 'deliverBy', context({ deliverBy: '2026-12-01T00:30:00+09:00' }));
    expect(names(ranked)).toEqual(['dhl/express']);
  });

  it('deliverBy: fastest first when nothing arrives in time or there is no date', () => {
    const late = rankRates(rates, 'deliverBy', context({ deliverBy: '2026-11-27T18:00:00Z' }));
    expect(names(late)).toEqual(['ups/next-day', 'fedex/home', 'ups/ground', 'usps/ground', 'dhl/express']);
    expect(names(rankRates(rates, 'deliverBy', context()))).toEqual(names(late));
  });

  it('a host function decides, but may only return quoted rates', () => {
    const reversed = rankRates(rates, (list) => [...list].reverse(), context());
    expect(reversed).toEqual([...rates].reverse());
    const copies = rankRates(rates, (list) => [{ ...list[2]! }, { ...list[2]! }, list[0]!], context());
    expect(copies).toEqual([fedexHome, economy]);
    expect(copies[0]).toBe(fedexHome);
    expect(() => rankRates(rates, () => [rate('ghost', 'x', 'standard', 1, 1)], context())).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_ERROR' }),
    );
    expect(() => rankRates(rates, () => 'nope' as never, context())).toThrow(expect.objectContaining({ code: 'CONFIGURATION_ERROR' }));
  });

  it('rejects an unknown policy and leaves the input order alone', () => {
    const before = [...rates];
    rankRates(rates, 'fastest', context());
    expect(rates).toEqual(before);
    expect(() => rankRates(rates, 'random' as never, context())).toThrow(expect.objectContaining({ code: 'CONFIGURATION_ERROR' }));
  });
});
