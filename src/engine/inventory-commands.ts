// Step 2: receiving and adjusting stock, levels, the ledger and reconciliation.
import { z } from 'zod';
import { FulfillmentError, parseInput } from '../domain/errors.js';
import {
  type AdjustInput,
  type InventoryLevel,
  type LocationLevel,
  type ReceiveInput,
  type StockMovement,
  type StockSettingsInput,
  adjustInputSchema,
  ledgerSums,
  receiveInputSchema,
  skuSchema,
  stockSettingsInputSchema,
} from '../domain/inventory.js';
import { fillBackorders } from './backorders.js';
import type { EngineContext } from './context.js';

/** A (SKU, location) whose level disagrees with the sum of its ledger. */
export interface ReconcileDiscrepancy {
  sku: string;
  locationId: string;
  onHand: number;
  ledgerOnHand: number;
  reserved: number;
  ledgerReserved: number;
}

function requireLocation(ctx: EngineContext, locationId: string): void {
  if (!ctx.locations.has(locationId)) {
    throw new FulfillmentError('VALIDATION_FAILED', `Invalid locationId: ${locationId} is not a configured location`, {
      details: { issues: [{ path: 'locationId', message: 'unknown location' }] },
    });
  }
}

/** Sum per-location levels into the SKU view. */
function summarizeLevels(sku: string, rows: LocationLevel[]): InventoryLevel {
  const locations = rows.filter((r) => r.sku === sku);
  return {
    sku,
    onHand: locations.reduce((n, r) => n + r.onHand, 0),
    reserved: locations.reduce((n, r) => n + r.reserved, 0),
    available: locations.reduce((n, r) => n + r.available, 0),
    locations,
  };
}

/** `inventory.receive`: add stock, then serve backorders waiting for it. */
export async function receiveStock(ctx: EngineContext, raw: ReceiveInput): Promise<InventoryLevel> {
  const input = parseInput(receiveInputSchema, raw, 'stock receipt');
  requireLocation(ctx, input.locationId);
  await ctx.storage.receive({ ...input, at: ctx.nowIso() });
  if (ctx.policy.backorders) await serveBackorders(ctx, input.sku);
  return inventoryLevel(ctx, input.sku);
}

// The stock is stored whatever happens next; serving backorders is follow-up
// work that a later receipt or sweep can redo, so its failure is reported, not thrown.
async function serveBackorders(ctx: EngineContext, sku: string): Promise<void> {
  try {
    await fillBackorders(ctx, sku);
  } catch (err) {
    ctx.reportError(err, `serving backorders of ${sku}`);
  }
}

/** `inventory.adjust`: correct on-hand (cycle count, damage). */
export async function adjustStock(ctx: EngineContext, raw: AdjustInput): Promise<InventoryLevel> {
  const input = parseInput(adjustInputSchema, raw, 'stock adjustment');
  requireLocation(ctx, input.locationId);
  await ctx.storage.adjust({ ...input, at: ctx.nowIso() });
  if (input.delta > 0 && ctx.policy.backorders) await serveBackorders(ctx, input.sku);
  return inventoryLevel(ctx, input.sku);
}

/** `inventory.configure`: safety stock, reorder point and bin per location. */
export async function configureStock(ctx: EngineContext, raw: StockSettingsInput): Promise<InventoryLevel> {
  const input = parseInput(stockSettingsInputSchema, raw, 'stock settings');
  requireLocation(ctx, input.locationId);
  await ctx.storage.configureStock(input);
  return inventoryLevel(ctx, input.sku);
}

/** `inventory.level`: one SKU across locations. */
export async function inventoryLevel(ctx: EngineContext, sku: string): Promise<InventoryLevel> {
  const valid = parseInput(skuSchema, sku, 'sku');
  return summarizeLevels(valid, await ctx.storage.levels([valid]));
}

/** `inventory.ledger`: every movement of a SKU, oldest first. */
export async function stockLedger(ctx: EngineContext, sku: string): Promise<StockMovement[]> {
  return ctx.storage.ledger(parseInput(skuSchema, sku, 'sku'));
}

/** `inventory.reconcile`: every (SKU, location) whose level differs from its ledger. */
export async function reconcile(ctx: EngineContext, skus?: string[]): Promise<ReconcileDiscrepancy[]> {
  const list = skus !== undefined ? parseInput(z.array(skuSchema), skus, 'skus') : await ctx.storage.skus();
  const out: ReconcileDiscrepancy[] = [];
  for (const sku of list) {
    const [levels, ledger] = await Promise.all([ctx.storage.levels([sku]), ctx.storage.ledger(sku)]);
    const sums = ledgerSums(ledger);
    for (const level of levels) {
      const s = sums.get(level.locationId) ?? { onHand: 0, reserved: 0 };
      if (s.onHand !== level.onHand || s.reserved !== level.reserved) {
        out.push({ sku, locationId: level.locationId, onHand: level.onHand, ledgerOnHand: s.onHand, reserved: level.reserved, ledgerReserved: s.reserved });
      }
    }
  }
  return out;
}
