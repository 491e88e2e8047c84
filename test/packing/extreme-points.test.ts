import { describe, expect, it } from 'vitest';
import { emptySpace, findLayoutProblems, findPlacement, place, rotations } from '../../src/packing/extreme-points.js';

describe('extreme points', () => {
  it('offers each distinct rotation once, flattest first', () => {
    expect(rotations({ length: 2, width: 2, height: 2 })).toHaveLength(1);
    expect(rotations({ length: 1, width: 2, height: 3 })).toHaveLength(6);
    expect(rotations({ length: 1, width: 2, height: 3 })[0]).toEqual({ length: 3, width: 2, height: 1 });
  });

  it('fills a box exactly and then refuses more', () => {
    const space = emptySpace({ length: 20, width: 20, height: 20 });
    for (let i = 0; i < 8; i++) {
      const p = findPlacement(space, { length: 10, width: 10, height: 10 });
      expect(p).not.toBeNull();
      place(space, p!);
    }
    expect(findPlacement(space, { length: 1, width: 1, height: 1 })).toBeNull();
    expect(findLayoutProblems(space.inner, space.placements)).toEqual([]);
  });

  it('reports overlaps and placements sticking out', () => {
    const inner = { length: 10, width: 10, height: 10 };
    expect(
      findLayoutProblems(inner, [
        { x: 0, y: 0, z: 0, length: 6, width: 6, height: 6 },
        { x: 5, y: 5, z: 5, length: 5, width: 5, height: 5 },
        { x: 6, y: 0, z: 0, length: 5, width: 4, height: 4 },
      ]),
    ).toEqual(['placements 0 and 1 overlap', 'placement 2 sticks out of the carton']);
    // Touching faces are not an overlap.
    expect(
      findLayoutProblems(inner, [
        { x: 0, y: 0, z: 0, length: 5, width: 10, height: 10 },
        { x: 5, y: 0, z: 0, length: 5, width: 10, height: 10 },
      ]),
    ).toEqual([]);
  });
});
