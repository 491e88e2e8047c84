// The memory adapter's stock rows and ledger. Each write checks everything,
// then changes state, so a throw leaves the rows as they were.
import { availableOf, type StockLevelRow } from '../../inventory/reservation-rules.js';
import { FulfillmentError } from '../../domain/errors.js';
import type { DomainEvent } from '../../domain/events.js';
import type { LocationLevel, MovementType, StockMovement } from '../../domain/inventory.js';
import { MAX_STOCK_UNITS } from '../../domain/limits.js';
import type { StockResult, StorageAdapter } from '../../ports/storage.js';
import { instantMillis, invalidCall, requireInteger, requireText } from '../call-guards.js';
import type { MemoryOutbox } from './memory-outbox.js';

/** Stock of one SKU at one location, as the memory store keeps it. */
export type StockRow = StockLevelRow;

/** Who and why of a stock movement. */
export interface MovementContext {
  orderId?: string | null;
  reservationId?: string | null;
  reason?: string | null;
  at: string;
}

/** Inventory state of one memory store. */
export class MemoryStockroom {
  private readonly rows = new Map<string, StockRow>();
  private readonly rowsBySku = new Map<string, StockRow[]>();
  private readonly ledgers = new Map<string, StockMovement[]>();
  private sortedSkus: string[] | null = null;
  /** Operation ids of receipts and adjustments already applied: a repeat changes nothing. */
  private readonly appliedOps = new Set<string>();

  constructor(
    private readonly outbox: MemoryOutbox,
    private readonly createId: () => string,
  ) {}

  receive(input: Parameters<StorageAdapter['receive']>[0]): StockResult {
    checkPlace(input);
    requireInteger(input.quantity, 'quantity', 1);
    if (input.opId !== undefined) requireText(input.opId, 'opId');
    instantMillis(input.at, 'at');
    const type = input.movement ?? 'received';
    if (type !== 'received' && type !== 'returned') throw invalidCall(`Unknown receive movement ${String(type)}`);
    if (input.bin !== undefined) requireText(input.bin, 'bin');
    this.requireRoom(input.sku, input.locationId, input.quantity);
    const row = this.row(input.sku, input.locationId);
    if (input.opId !== undefined && this.appliedOps.has(input.opId)) return { levels: [levelView(row)] };
    if (input.bin !== undefined) row.bin = input.bin;
    this.move(row, type, input.quantity, 0, { orderId: input.orderId, reason: input.reason, at: input.at });
    if (input.opId !== undefined) this.appliedOps.add(input.opId);
    return { levels: [levelView(row)] };
  }

  adjust(input: { sku: string; locationId: string; delta: number; reason: string; opId?: string; at: string }): StockResult {
    checkPlace(input);
    requireText(input.reason, 'reason');
    if (input.opId !== undefined) requireText(input.opId, 'opId');
    instantMillis(input.at, 'at');
    if (!Number.isInteger(input.delta) || input.delta === 0) throw invalidCall('delta must be a non-zero integer', { delta: input.delta });
    const existing = this.rows.get(rowKey(input.sku, input.locationId));
    if (existing && input.opId !== undefined && this.appliedOps.has(input.opId)) return { levels: [levelView(existing)] };
    const onHand = existing?.onHand ?? 0;
    const reserved = existing?.reserved ?? 0;
    if (onHand + input.delta < reserved) {
      throw new FulfillmentError(
        'INSUFFICIENT_STOCK',
        `Adjusting ${input.sku} at ${input.locationId} by ${input.delta} would leave on-hand ${onHand + input.delta} below reserved ${reserved}`,
        {
          details: {
            shortages: [{ sku: input.sku, locationId: input.locationId, requested: -input.delta, available: Math.max(0, onHand - reserved) }],
            sku: input.sku,
            locationId: input.locationId,
            onHand,
            reserved,
            delta: input.delta,
          },
        },
      );
    }
    this.requireRoom(input.sku, input.locationId, input.delta);
    const row = existing ?? this.row(input.sku, input.locationId);
    this.move(row, 'adjusted', input.delta, 0, { reason: input.reason, at: input.at });
    if (input.opId !== undefined) this.appliedOps.add(input.opId);
    return { levels: [levelView(row)] };
  }

  configure(input: { sku: string; locationId: string; safetyStock?: number; reorderPoint?: number | null; bin?: string | null }): StockResult {
    checkPlace(input);
    if (input.safetyStock !== undefined) requireInteger(input.safetyStock, 'safetyStock', 0);
    if (input.reorderPoint != null) requireInteger(input.reorderPoint, 'reorderPoint', 0);
    if (input.bin != null) requireText(input.bin, 'bin');
    const row = this.row(input.sku, input.locationId);
    if (input.safetyStock !== undefined) row.safetyStock = input.safetyStock;
    if (input.reorderPoint !== undefined) row.reorderPoint = input.reorderPoint;
    if (input.bin !== undefined) row.bin = input.bin;
    return { levels: [levelView(row)] };
  }

  levels(skus: readonly string[]): LocationLevel[] {
    const out: LocationLevel[] = [];
    for (const sku of new Set(skus)) for (const row of this.rowsBySku.get(sku) ?? []) out.push(levelView(row));
    return out;
  }

  skus(): string[] {
    this.sortedSkus ??= [...this.rowsBySku.keys()].sort();
    return [...this.sortedSkus];
  }

  ledger(sku: string): StockMovement[] {
    return (this.ledgers.get(sku) ?? []).map((m) => ({ ...m }));
  }

  /** The row for (sku, location), or `undefined`. */
  rowAt(sku: string, locationId: string): StockRow | undefined {
    return this.rows.get(rowKey(sku, locationId));
  }

  // PostgreSQL keeps on-hand in an `integer`; refusing the same totals here
  // keeps the memory store's answers those of every other adapter.
  private requireRoom(sku: string, locationId: string, delta: number): void {
    const onHand = this.rows.get(rowKey(sku, locationId))?.onHand ?? 0;
    if (onHand + delta > MAX_STOCK_UNITS) {
      throw invalidCall(`On-hand of ${sku} at ${locationId} would exceed ${MAX_STOCK_UNITS} units`, {
        sku,
        locationId,
        onHand,
        delta,
        limit: MAX_STOCK_UNITS,
      });
    }
  }

  // The row for (sku, location), created empty when new.
  private row(sku: string, locationId: string): StockRow {
    const key = rowKey(sku, locationId);
    let row = this.rows.get(key);
    if (row !== undefined) return row;
    row = { sku, locationId, onHand: 0, reserved: 0, safetyStock: 0, reorderPoint: null, bin: null };
    this.rows.set(key, row);
    const siblings = this.rowsBySku.get(sku);
    if (siblings === undefined) {
      this.rowsBySku.set(sku, [row]);
      this.sortedSkus = null;
    } else {
      const at = siblings.findIndex((r) => r.locationId > locationId);
      siblings.splice(at === -1 ? siblings.length : at, 0, row);
    }
    return row;
  }

  /** Apply a change to a row, append its ledger entry and, on a downward crossing of the reorder point, the low-stock event. Never throws. */
  move(row: StockRow, type: MovementType, onHandDelta: number, reservedDelta: number, context: MovementContext): void {
    const before = availableOf(row);
    row.onHand += onHandDelta;
    row.reserved += reservedDelta;
    const movement: StockMovement = {
      id: this.createId(),
      sku: row.sku,
      locationId: row.locationId,
      type,
      onHandDelta,
      reservedDelta,
      orderId: context.orderId ?? null,
      reservationId: context.reservationId ?? null,
      reason: context.reason ?? null,
      at: context.at,
    };
    let ledger = this.ledgers.get(row.sku);
    if (ledger === undefined) this.ledgers.set(row.sku, (ledger = []));
    ledger.push(movement);
    const after = availableOf(row);
    if (row.reorderPoint === null || before <= row.reorderPoint || after > row.reorderPoint) return;
    const event: DomainEvent<'inventory.low_stock'> = {
      id: this.createId(),
      type: 'inventory.low_stock',
      orderId: null,
      at: context.at,
      data: { sku: row.sku, locationId: row.locationId, available: after, reorderPoint: row.reorderPoint },
    };
    const key = `low_stock:${row.sku}:${row.locationId}:${movement.id}`;
    this.outbox.commit(this.outbox.prepare([{ topic: 'event', key, payload: event }], context.at));
  }
}

/** Map key of a (sku, location). */
export function rowKey(sku: string, locationId: string): string {
  return `${sku}\u0000${locationId}`;
}

/** Assert a SKU and a location id are given. */
export function checkPlace(input: { sku: string; locationId: string }): void {
  requireText(input.sku, 'sku');
  requireText(input.locationId, 'locationId');
}

export { availableOf };

function levelView(row: StockRow): LocationLevel {
  return {
    sku: row.sku,
    locationId: row.locationId,
    onHand: row.onHand,
    reserved: row.reserved,
    safetyStock: row.safetyStock,
    available: availableOf(row),
    reorderPoint: row.reorderPoint,
    bin: row.bin,
  };
}
