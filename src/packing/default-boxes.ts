// A starter carton catalog in metric sizes, close to the regular slotted
// cartons most packaging suppliers stock. Replace it with your own via `boxes`.
import type { Box } from '../domain/shipment.js';

function carton(id: string, name: string, l: number, w: number, h: number, tareG: number, maxKg: number): Box {
  return {
    id,
    name,
    dimensions: { length: l, width: w, height: h, unit: 'cm' },
    tareWeight: { value: tareG, unit: 'g' },
    maxWeight: { value: maxKg, unit: 'kg' },
  };
}

/**
 * Seven common single-wall cartons from a small mailer to a large moving box.
 * Dimensions are inner measurements in centimetres; `maxWeight` includes the
 * carton itself and stays within single-wall board ratings.
 *
 * @example
 * ```ts
 * const { parcels } = cartonize(items, defaultBoxes);
 * const ff = createFulfillment({ boxes: [...defaultBoxes, myPosterTube] });
 * ```
 */
export const defaultBoxes: Box[] = [
  carton('mailer-xs', 'Mailer XS 16×12×6', 16, 12, 6, 80, 2),
  carton('carton-s', 'Carton S 25×18×10', 25, 18, 10, 170, 5),
  carton('carton-m', 'Carton M 30×22×15', 30, 22, 15, 260, 10),
  carton('carton-cube', 'Carton Cube 30×30×30', 30, 30, 30, 420, 15),
  carton('carton-l', 'Carton L 40×30×25', 40, 30, 25, 520, 20),
  carton('carton-xl', 'Carton XL 50×40×30', 50, 40, 30, 780, 25),
  carton('carton-xxl', 'Carton XXL 60×40×40', 60, 40, 40, 980, 30),
];
