// Allocate lines to locations and hold the stock, re-reading levels when a
// concurrent order took the units first. The hold itself is one atomic
// storage operation, so a race can only fail a reserve, never oversell.
import type { Address, Coordinates } from '../domain/address.js';
import { FulfillmentError, type StockShortage, isFulfillmentError, withoutStack } from '../domain/errors.js';
import type { Reservation } from '../domain/inventory.js';
import { type Allocation, type AllocationLine, allocate, validateAllocation } from '../inventory/allocate.js';
import type { EngineContext } from './context.js';

const RACE_ATTEMPTS = 3;

/** Result of {@link allocateAndReserve}. */
export interface StockHold {
  allocation: Allocation;
  reservation: Reservation | null;
}

/**
 * Allocate `lines` and reserve the allocated units under `reservationId`.
 * Without `allowShort`, any shortfall throws `INSUFFICIENT_STOCK` and holds nothing.
 */
export async function allocateAndReserve(
  ctx: EngineContext,
  request: {
    orderId: string;
    reservationId: string;
    lines: AllocationLine[];
    destination: { address: Address; coordinates: Coordinates | null };
    expiresAt: string | null;
    opId: string;
    allowShort: boolean;
  },
): Promise<StockHold> {
  const skus = [...new Set(request.lines.map((l) => l.sku))];
  let lastShortages: StockShortage[] = [];
  let cached = ctx.levelsCache.get(skus);
  for (let attempt = 0; attempt < RACE_ATTEMPTS; attempt++) {
    let levels = cached ?? (await readLevels(ctx, skus));
    let input = { lines: request.lines, levels, locations: ctx.locationList, destination: request.destination };
    let allocation = allocate(input, ctx.policy.allocation);
    if (cached && allocation.shortfall.length > 0) {
      // Never refuse or backorder on a cached view: look again.
      levels = await readLevels(ctx, skus);
      input = { ...input, levels };
      allocation = allocate(input, ctx.policy.allocation);
    }
    cached = null;
    if (typeof ctx.policy.allocation === 'function') validateAllocation(input, allocation);
    if (allocation.shortfall.length > 0 && !request.allowShort) {
      throw insufficient(allocation, levels);
    }
    const stock = allocation.assignments.flatMap((a) =>
      a.lines.map((l) => ({ sku: l.sku, locationId: a.locationId, quantity: l.quantity })),
    );
    if (stock.length === 0) return { allocation, reservation: null };
    try {
      const reservation = await ctx.storage.reserve({
        reservationId: request.reservationId,
        orderId: request.orderId,
        lines: stock,
        expiresAt: request.expiresAt,
        opId: `${request.opId}:${attempt}`,
        at: ctx.nowIso(),
      });
      ctx.levelsCache.reserved(stock);
      return { allocation, reservation };
    } catch (err) {
      if (!isFulfillmentError(err, 'INSUFFICIENT_STOCK')) throw err;
      ctx.levelsCache.drop(skus);
      lastShortages = err.details.shortages ?? [];
    }
  }
  if (request.allowShort) {
    // Contention kept taking the units first: everything waits for stock.
    return {
      allocation: { assignments: [], shortfall: request.lines.map((l) => ({ ...l })) },
      reservation: null,
    };
  }
  throw withoutStack(
    () => new FulfillmentError('INSUFFICIENT_STOCK', 'Stock was taken by concurrent orders', { details: { shortages: lastShortages } }),
  );
}

async function readLevels(ctx: EngineContext, skus: string[]) {
  const levels = await ctx.storage.levels(skus);
  ctx.levelsCache.put(skus, levels);
  return levels;
}

function insufficient(allocation: Allocation, levels: { sku: string; available: number }[]): FulfillmentError {
  const requested = new Map<string, number>();
  for (const s of allocation.shortfall) requested.set(s.sku, (requested.get(s.sku) ?? 0) + s.quantity);
  const shortages = [...requested].map(([sku, short]) => {
    const available = levels.filter((l) => l.sku === sku).reduce((n, l) => n + l.available, 0);
    return { sku, requested: short + available, available, short };
  });
  const summary = shortages.map((s) => `${s.sku} (short ${s.short})`).join(', ');
  // A refusal is an expected answer, made by the thousand when a SKU sells out: no stack.
  return withoutStack(() => new FulfillmentError('INSUFFICIENT_STOCK', `Not enough stock for ${summary}`, { details: { shortages } }));
}
