// 3D placement inside one carton by extreme points (Crainic, Perboli & Tadei,
// 2008): candidate corners are kept, and each item goes to the lowest, rearmost,
// leftmost corner where one of its six axis-aligned rotations fits without overlap.

/** Edge lengths in centimetres along x (length), y (width) and z (height). */
export interface Size {
  length: number;
  width: number;
  height: number;
}

/** An item's box inside a carton: corner nearest the origin plus its rotated size, in centimetres. */
export interface Placement extends Size {
  x: number;
  y: number;
  z: number;
}

interface Point {
  x: number;
  y: number;
  z: number;
  /** Sizes that did not fit here; placements only grow, so they never will. */
  refused?: Set<string>;
}

/** The state of one carton's interior while it is being filled. */
export interface CartonSpace {
  inner: Size;
  placements: Placement[];
  points: Point[];
}

// Unit conversions (inches) leave float dust; a micron of slack is harmless.
const EPS = 1e-6;

/** An empty carton interior with one extreme point at the origin. */
export function emptySpace(inner: Size): CartonSpace {
  return { inner, placements: [], points: [{ x: 0, y: 0, z: 0 }] };
}

/**
 * The distinct axis-aligned rotations of a size, flattest first (lowest
 * height, then longest length) so items lie down and layers form.
 */
export function rotations(size: Size): Size[] {
  const { length: a, width: b, height: c } = size;
  const all: Size[] = [
    { length: a, width: b, height: c },
    { length: b, width: a, height: c },
    { length: a, width: c, height: b },
    { length: c, width: a, height: b },
    { length: b, width: c, height: a },
    { length: c, width: b, height: a },
  ];
  const seen = new Set<string>();
  const unique = all.filter((r) => {
    const key = `${r.length}|${r.width}|${r.height}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((p, q) => p.height - q.height || q.length - p.length || q.width - p.width);
}

/** Whether `size` fits an empty interior in some rotation. */
export function fitsEmpty(inner: Size, size: Size): boolean {
  return rotations(size).some(
    (r) => r.length <= inner.length + EPS && r.width <= inner.width + EPS && r.height <= inner.height + EPS,
  );
}

/** Whether two placements share interior volume (touching faces do not count). */
export function overlaps(p: Placement, q: Placement): boolean {
  return (
    p.x < q.x + q.length - EPS &&
    q.x < p.x + p.length - EPS &&
    p.y < q.y + q.width - EPS &&
    q.y < p.y + p.width - EPS &&
    p.z < q.z + q.height - EPS &&
    q.z < p.z + p.height - EPS
  );
}

/** Whether a placement lies inside the interior. */
export function inside(inner: Size, p: Placement): boolean {
  return (
    p.x >= -EPS &&
    p.y >= -EPS &&
    p.z >= -EPS &&
    p.x + p.length <= inner.length + EPS &&
    p.y + p.width <= inner.width + EPS &&
    p.z + p.height <= inner.height + EPS
  );
}

/** Where `size` would go in `space`, or `null` when no extreme point takes it in any rotation. */
export function findPlacement(space: CartonSpace, size: Size): Placement | null {
  const turns = rotations(size);
  const key = [size.length, size.width, size.height].sort((a, b) => a - b).join('|');
  for (const point of space.points) {
    if (point.refused?.has(key)) continue;
    for (const turn of turns) {
      const candidate: Placement = { x: point.x, y: point.y, z: point.z, ...turn };
      if (!inside(space.inner, candidate)) continue;
      if (collides(space.placements, candidate)) continue;
      return candidate;
    }
    point.refused ??= new Set();
    point.refused.add(key);
  }
  return null;
}

// Newest placements sit at the frontier where candidates are tried, so they are checked first.
function collides(placements: Placement[], candidate: Placement): boolean {
  for (let i = placements.length - 1; i >= 0; i--) if (overlaps(placements[i]!, candidate)) return true;
  return false;
}

/** Commit a placement found by {@link findPlacement} and refresh the extreme points. */
export function place(space: CartonSpace, placement: Placement): void {
  space.placements.push(placement);
  const { x, y, z, length, width, height } = placement;
  const fresh: Point[] = [];
  const corners: [Point, ('x' | 'y' | 'z')[]][] = [
    [{ x: x + length, y, z }, ['y', 'z']],
    [{ x, y: y + width, z }, ['x', 'z']],
    [{ x, y, z: z + height }, ['x', 'y']],
  ];
  for (const [corner, axes] of corners) {
    fresh.push(corner);
    for (const axis of axes) fresh.push(project(space.placements, corner, axis));
  }
  // Older points already lie outside older placements; only the new one can swallow them.
  const merged = [
    ...space.points.filter((p) => !contains(placement, p)),
    ...fresh.filter(
      (p) =>
        p.x < space.inner.length - EPS &&
        p.y < space.inner.width - EPS &&
        p.z < space.inner.height - EPS &&
        !space.placements.some((q) => contains(q, p)),
    ),
  ];
  const seen = new Set<string>();
  space.points = merged
    .filter((p) => {
      const key = `${round(p.x)}|${round(p.y)}|${round(p.z)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.z - b.z || a.y - b.y || a.x - b.x);
}

// Slide a point towards the origin along one axis until it meets a placed item or a wall.
function project(placements: Placement[], point: Point, axis: 'x' | 'y' | 'z'): Point {
  let stop = 0;
  for (const q of placements) {
    const far = axis === 'x' ? q.x + q.length : axis === 'y' ? q.y + q.width : q.z + q.height;
    if (far > point[axis] + EPS || far <= stop) continue;
    const spansX = axis === 'x' || (q.x <= point.x + EPS && point.x < q.x + q.length - EPS);
    const spansY = axis === 'y' || (q.y <= point.y + EPS && point.y < q.y + q.width - EPS);
    const spansZ = axis === 'z' || (q.z <= point.z + EPS && point.z < q.z + q.height - EPS);
    if (spansX && spansY && spansZ) stop = far;
  }
  return { ...point, [axis]: stop };
}

// A point inside a placed item (near faces included) can no longer take anything.
function contains(q: Placement, p: Point): boolean {
  return (
    q.x - EPS <= p.x &&
    p.x < q.x + q.length - EPS &&
    q.y - EPS <= p.y &&
    p.y < q.y + q.width - EPS &&
    q.z - EPS <= p.z &&
    p.z < q.z + q.height - EPS
  );
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/**
 * Problems with a finished layout: placements outside the interior or
 * overlapping one another. Empty for a sound layout.
 *
 * @example
 * ```ts
 * findLayoutProblems({ length: 20, width: 20, height: 20 }, placements); // []
 * ```
 */
export function findLayoutProblems(inner: Size, placements: Placement[]): string[] {
  const problems: string[] = [];
  placements.forEach((p, i) => {
    if (!inside(inner, p)) problems.push(`placement ${i} sticks out of the carton`);
    for (let j = i + 1; j < placements.length; j++) {
      if (overlaps(p, placements[j]!)) problems.push(`placements ${i} and ${j} overlap`);
    }
  });
  return problems;
}
