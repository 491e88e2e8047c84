// Stock per SKU per location, the movements that explain it, and the
// reservations that hold it for orders.
import { z } from 'zod';
import { MAX_STOCK_UNITS } from './limits.js';

/**
 * A stock-keeping unit code.
 *
 * @example
 * ```ts
 * skuSchema.parse('TEE-M'); // 'TEE-M'
 * skuSchema.safeParse('tee shirt').success; // false: no spaces
 * ```
 */
export const skuSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, { message: 'SKU may contain letters, digits, ".", "_", "-", "/"' });

const idSchema = z.string().min(1).max(64);
const bin = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9-]+$/, { message: 'Bin codes look like "A-03-2" (aisle-bay-level)' });

/**
 * Input of `inventory.receive`.
 *
 * @example
 * ```ts
 * // Validate at your own boundary (an HTTP handler, a queue consumer) before calling the command:
 * const result = receiveInputSchema.safeParse(body);
 * if (!result.success) return Response.json(result.error.issues, { status: 400 });
 * await ff.inventory.receive(result.data);
 * ```
 */
export const receiveInputSchema = z.strictObject({
  sku: skuSchema,
  locationId: idSchema,
  /** Units received; at most {@link MAX_STOCK_UNITS}, and the level may not exceed it either. */
  quantity: z.number().int().positive().max(MAX_STOCK_UNITS),
  bin: bin.optional(),
  reason: z.string().max(200).optional(),
});
/** Input of `inventory.receive`. */
export type ReceiveInput = z.input<typeof receiveInputSchema>;

/**
 * Input of `inventory.adjust`.
 *
 * @example
 * ```ts
 * // Validate at your own boundary (an HTTP handler, a queue consumer) before calling the command:
 * const result = adjustInputSchema.safeParse(body);
 * if (!result.success) return Response.json(result.error.issues, { status: 400 });
 * await ff.inventory.adjust(result.data);
 * ```
 */
export const adjustInputSchema = z.strictObject({
  sku: skuSchema,
  locationId: idSchema,
  /** Signed change of on-hand, non-zero, within ±{@link MAX_STOCK_UNITS}; the level may not leave 0…MAX_STOCK_UNITS. */
  delta: z
    .number()
    .int()
    .min(-MAX_STOCK_UNITS)
    .max(MAX_STOCK_UNITS)
    .refine((d) => d !== 0, { message: 'delta must not be zero' }),
  reason: z.string().min(1).max(200),
});
/** Input of `inventory.adjust`. */
export type AdjustInput = z.input<typeof adjustInputSchema>;

/**
 * Input of `inventory.configure`: per-location stock settings.
 *
 * @example
 * ```ts
 * // Validate at your own boundary (an HTTP handler, a queue consumer) before calling the command:
 * const result = stockSettingsInputSchema.safeParse(body);
 * if (!result.success) return Response.json(result.error.issues, { status: 400 });
 * await ff.inventory.configure(result.data);
 * ```
 */
export const stockSettingsInputSchema = z.strictObject({
  sku: skuSchema,
  locationId: idSchema,
  /** Units kept back from `available`, 0 to {@link MAX_STOCK_UNITS}. */
  safetyStock: z.number().int().nonnegative().max(MAX_STOCK_UNITS).optional(),
  reorderPoint: z.number().int().nonnegative().max(MAX_STOCK_UNITS).nullable().optional(),
  bin: bin.nullable().optional(),
});
/** Input of `inventory.configure`. */
export type StockSettingsInput = z.input<typeof stockSettingsInputSchema>;

/**
 * Stock of one SKU at one location. `available = onHand - reserved - safetyStock`, never below 0.
 *
 * @example
 * ```ts
 * const level = await ff.inventory.level('TEE-M');
 * for (const at of locationLevelSchema.array().parse(level.locations)) console.log(at.locationId, at.onHand, at.reserved);
 * ```
 */
export const locationLevelSchema = z.object({
  sku: z.string(),
  locationId: z.string(),
  onHand: z.number().int(),
  reserved: z.number().int(),
  safetyStock: z.number().int(),
  available: z.number().int(),
  reorderPoint: z.number().int().nullable(),
  bin: z.string().nullable(),
});
/** Stock of one SKU at one location. */
export type LocationLevel = z.infer<typeof locationLevelSchema>;

/**
 * Stock of one SKU summed over locations, with the per-location breakdown.
 *
 * @example
 * ```ts
 * // The shape ff.inventory.level() returns, e.g. to validate it in a client of your API:
 * const level = inventoryLevelSchema.parse(await (await fetch('/api/stock/TEE-M')).json());
 * level.available;
 * ```
 */
export const inventoryLevelSchema = z.object({
  sku: z.string(),
  onHand: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int(),
  locations: z.array(locationLevelSchema),
});
/** Stock of one SKU across locations. */
export type InventoryLevel = z.infer<typeof inventoryLevelSchema>;

/**
 * Kinds of stock movement.
 *
 * @example
 * ```ts
 * const ledger = await ff.inventory.ledger('TEE-M');
 * const counts = Object.fromEntries(MOVEMENT_TYPES.map((t) => [t, ledger.filter((m) => m.type === t).length]));
 * ```
 */
export const MOVEMENT_TYPES = ['received', 'adjusted', 'reserved', 'released', 'committed', 'expired', 'returned'] as const;
/** A kind of stock movement. */
export type MovementType = (typeof MOVEMENT_TYPES)[number];

/**
 * One ledger row. `onHandDelta` and `reservedDelta` are what the movement did
 * to the level, so summing a SKU's ledger reproduces its levels.
 *
 * @example
 * ```ts
 * // Check a movement exported to a warehouse system read back from your own store or an API before trusting its shape:
 * const movement = stockMovementSchema.parse(JSON.parse(text));
 * ```
 */
export const stockMovementSchema = z.object({
  id: z.string(),
  sku: z.string(),
  locationId: z.string(),
  type: z.enum(MOVEMENT_TYPES),
  onHandDelta: z.number().int(),
  reservedDelta: z.number().int(),
  orderId: z.string().nullable(),
  reservationId: z.string().nullable(),
  reason: z.string().nullable(),
  at: z.string(),
});
/** One ledger row. */
export type StockMovement = z.infer<typeof stockMovementSchema>;

/**
 * Reservation lifecycle states.
 *
 * @example
 * ```ts
 * RESERVATION_STATUSES; // ['active', 'committed', 'released', 'expired']
 * ```
 */
export const RESERVATION_STATUSES = ['active', 'committed', 'released', 'expired'] as const;
/** A reservation's status. */
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/**
 * Units of one SKU held at one location. `committed`/`released` count what has left the hold.
 *
 * @example
 * ```ts
 * reservationLineSchema.array().parse(reservation.lines);
 * ```
 */
export const reservationLineSchema = z.object({
  sku: z.string(),
  locationId: z.string(),
  quantity: z.number().int().positive(),
  committed: z.number().int().nonnegative(),
  released: z.number().int().nonnegative(),
});
/** One line of a reservation. */
export type ReservationLine = z.infer<typeof reservationLineSchema>;

/**
 * Stock held for one order until it ships, is cancelled, or the hold expires.
 *
 * @example
 * ```ts
 * // What a storage adapter returns from reserve(): check it in your adapter's tests.
 * const reservation = reservationSchema.parse(await storage.getReservation(reservationId));
 * ```
 */
export const reservationSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  status: z.enum(RESERVATION_STATUSES),
  lines: z.array(reservationLineSchema),
  /** ISO timestamp after which a sweep releases the stock; `null` once the order is paid. */
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** Stock held for one order. */
export type Reservation = z.infer<typeof reservationSchema>;

/** Held quantity of a reservation line that is neither committed nor released. */
export function heldQuantity(line: ReservationLine): number {
  return line.quantity - line.committed - line.released;
}

/** What a SKU's ledger says its levels are: the sums of its deltas, per location. */
export function ledgerSums(ledger: readonly StockMovement[]): Map<string, { onHand: number; reserved: number }> {
  const sums = new Map<string, { onHand: number; reserved: number }>();
  for (const m of ledger) {
    const sum = sums.get(m.locationId) ?? { onHand: 0, reserved: 0 };
    sum.onHand += m.onHandDelta;
    sum.reserved += m.reservedDelta;
    sums.set(m.locationId, sum);
  }
  return sums;
}
