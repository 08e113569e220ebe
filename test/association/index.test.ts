import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SkyKdTree } from '../../src/association/kdtree.js';
import { SkyHashGrid } from '../../src/association/grid.js';
import { InMemoryDiaObjectStore } from '../../src/association/memory-store.js';
import { associateVisit } from '../../src/association/associate-visit.js';
import { chord2ForAngleDeg, radecToVector, separationDeg } from '../../src/sky/vector.js';
import { offset } from './scene.js';

// Points clustered where RA wraps and at the poles, where a flat (ra, dec) index would break.
const centre = fc.constantFrom<[number, number]>([0, 0], [0, 90], [77, -90], [180, 45], [359.99, -10]);
const point = fc.tuple(centre, fc.double({ min: 0, max: 30, noNaN: true }), fc.double({ min: 0, max: 7, noNaN: true })).map(([[ra, dec], r, pa]) => offset(ra, dec, r, pa));

test('property: k-d tree and hash grid return exactly the brute-force neighbours', () => {
  fc.assert(
    fc.property(fc.array(point, { maxLength: 300 }), fc.array(point, { minLength: 1, maxLength: 20 }), fc.double({ min: 0.1, max: 20, noNaN: true }), (pts, queries, radiusArcsec) => {
      const tree = SkyKdTree.fromRaDec(pts.map((p) => p[0]), pts.map((p) => p[1]));
      const grid = new SkyHashGrid<number>(4e-5);
      pts.forEach((p, i) => grid.insert(i, radecToVector(p[0], p[1])));
      const r2 = chord2ForAngleDeg(radiusArcsec / 3600);
      for (const [ra, dec] of queries) {
        // Brute force on the same chord test (the index prefilter), away from the exact boundary.
        const q = radecToVector(ra, dec);
        const want = pts.map((_, i) => i).filter((i) => {
          const v = radecToVector(pts[i][0], pts[i][1]);
          return (v[0] - q[0]) ** 2 + (v[1] - q[1]) ** 2 + (v[2] - q[2]) ** 2 <= r2;
        });
        const fromTree: number[] = [];
        tree.forEachWithin(q[0], q[1], q[2], r2, (i) => fromTree.push(i));
        const fromGrid: number[] = [];
        grid.forEachWithin(q, r2, (i) => fromGrid.push(i));
        assert.deepEqual(fromTree.sort((a, b) => a - b), want);
        assert.deepEqual(fromGrid.sort((a, b) => a - b), want);
      }
    }),
    { numRuns: 300 },
  );
});

test('k-d tree: duplicates, one point, empty, whole-sky radius', () => {
  assert.deepEqual(SkyKdTree.fromRaDec([], []).withinRaDec(0, 0, 1), []);
  const dup = SkyKdTree.fromRaDec(new Array(100).fill(10), new Array(100).fill(-5));
  assert.equal(dup.withinRaDec(10, -5, 1e-6).length, 100);
  const all = SkyKdTree.fromRaDec([0, 90, 180, 270, 0, 0], [0, 0, 0, 0, 90, -90]);
  assert.equal(all.withinRaDec(0, 0, 180).length, 6);
  assert.deepEqual(all.withinRaDec(180, 0, 90 - 1e-6), [2]);
  assert.deepEqual(all.withinRaDec(180, 0, 90 + 1e-6).sort(), [1, 2, 3, 4, 5]);
});

test('grid: remove, and a wide query over a sparse grid', () => {
  const grid = new SkyHashGrid<string>();
  grid.insert('a', radecToVector(1, 1));
  grid.insert('b', radecToVector(200, -60));
  assert.equal(grid.remove('a', radecToVector(1, 1)), true);
  assert.equal(grid.remove('a', radecToVector(1, 1)), false);
  const seen: string[] = [];
  grid.forEachWithin(radecToVector(0, 0), 4, (k) => seen.push(k));
  assert.deepEqual(seen, ['b']);
  assert.equal(grid.size, 1);
});

test('store: objects created and moved after the tree was built are found, before and after a rebuild', async () => {
  const store = new InMemoryDiaObjectStore([{ diaObjectId: 1n, ra: 30, dec: 30 }], { minRebuild: 3 });
  // Visit 1 moves object 1 by 0.9" and creates four objects (overlay > 3 forces a rebuild).
  const moved = offset(30, 30, 0.9, 1);
  const fresh = [0, 1, 2, 3].map((k) => offset(31, 30, 10 * k, 0));
  await associateVisit(store, { visit: 1n, diaSources: [{ diaSourceId: 1n, ra: moved[0], dec: moved[1] }, ...fresh.map(([ra, dec], k) => ({ diaSourceId: BigInt(10 + k), ra, dec }))] });
  const obj = (await store.getObjects([1n])).get(1n)!;
  assert.ok(separationDeg(obj.ra, obj.dec, ...moved) < 1e-12);
  const near = await store.near([{ ra: moved[0], dec: moved[1] }, { ra: fresh[2][0], dec: fresh[2][1] }], 0.1 / 3600);
  assert.deepEqual(near.map((l) => l.map((n) => n.diaObjectId)), [[1n], [4n]]);
  const cone = await store.inCone(31, 30, 45 / 3600);
  assert.deepEqual(cone.map((o) => o.diaObjectId).sort(), [2n, 3n, 4n, 5n]);
  // Small overlay (no rebuild): moved again, found at its new place only.
  const store2 = new InMemoryDiaObjectStore([{ diaObjectId: 1n, ra: 30, dec: 30 }]);
  await associateVisit(store2, { visit: 1n, diaSources: [{ diaSourceId: 1n, ra: moved[0], dec: moved[1] }] });
  assert.deepEqual((await store2.near([{ ra: 30, dec: 30 }], 0.3 / 3600))[0], []);
  assert.equal((await store2.near([{ ra: moved[0], dec: moved[1] }], 0.3 / 3600))[0].length, 1);
  assert.deepEqual(await store2.reserveIds(2), [2n, 3n]);
});
