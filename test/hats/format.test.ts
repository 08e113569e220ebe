import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { isAlertflowError } from '../../src/errors.js';
import { assertDisjoint, compareBreadthFirst, contains, dirOf, leafStem, pixelInterval, pixelOf, skyFraction, type HatsPixel } from '../../src/hats/pixel.js';
import { formatPartitionInfo, formatProperties, parsePartitionInfo, parseProperties } from '../../src/hats/properties.js';
import { addHistograms, decodeHealpixMap, degradeHistogram, encodeHealpixMap } from '../../src/hats/point-map.js';
import { choosePartitions, type Histogram } from '../../src/hats/partitioning.js';
import { SKIP_SHARED, sharedHats } from './helpers.js';

const hist = (order: number, pairs: [number, number][]): Histogram => {
  const s = [...pairs].sort((a, b) => a[0] - b[0]);
  return { order, cells: Float64Array.from(s, (p) => p[0]), counts: Float64Array.from(s, (p) => p[1]) };
};

test('pixel arithmetic: Dir, intervals, containment, breadth-first order', () => {
  assert.equal(dirOf(123456), 120000);
  assert.equal(dirOf(9999), 0);
  assert.equal(leafStem({ order: 1, pixel: 44 }), 'Norder=1/Dir=0/Npix=44');
  assert.deepEqual(pixelInterval({ order: 0, pixel: 1 }), [1n << 58n, 2n << 58n]);
  assert.equal(pixelOf(1370628467894962607n, 2), Number(1370628467894962607n >> 54n));
  assert.ok(contains({ order: 0, pixel: 11 }, { order: 2, pixel: 176 }));
  assert.ok(!contains({ order: 0, pixel: 4 }, { order: 2, pixel: 176 }));
  const order = [{ order: 1, pixel: 47 }, { order: 2, pixel: 176 }, { order: 0, pixel: 4 }].sort(compareBreadthFirst);
  assert.deepEqual(order, [{ order: 0, pixel: 4 }, { order: 2, pixel: 176 }, { order: 1, pixel: 47 }]);
  assert.ok(Math.abs(skyFraction([{ order: 0, pixel: 4 }, { order: 1, pixel: 47 }]) - (1 / 12 + 1 / 48)) < 1e-15);
  assertDisjoint([{ order: 0, pixel: 4 }, { order: 1, pixel: 47 }]);
  assert.throws(() => assertDisjoint([{ order: 0, pixel: 11 }, { order: 1, pixel: 47 }]), (e) => isAlertflowError(e, 'ERR_HATS'));
  assert.throws(() => assertDisjoint([{ order: 1, pixel: 47 }, { order: 1, pixel: 47 }]), (e) => isAlertflowError(e, 'ERR_HATS'));
});

test('properties and partition_info round-trip; the fixture files parse', { skip: SKIP_SHARED }, () => {
  const text = readFileSync(join(sharedHats, 'small_sky_source', 'hats.properties'), 'utf8');
  const props = parseProperties(text);
  assert.equal(props.get('hats_nrows'), '17161');
  assert.equal(props.get('hats_skymap_alt_orders'), '2 4');
  assert.equal(formatProperties(props), text.endsWith('\n') ? text : text + '\n');
  const csv = readFileSync(join(sharedHats, 'small_sky_source', 'partition_info.csv'), 'utf8');
  const pixels = parsePartitionInfo(csv);
  assert.equal(pixels.length, 14);
  // Same breadth-first order as hats writes it.
  assert.equal(formatPartitionInfo([...pixels].reverse()).trim(), csv.trim());
  assert.throws(() => formatProperties(new Map([['k', 'a\\b']])), (e) => isAlertflowError(e, 'ERR_HATS'));
  assert.equal(formatPartitionInfo([]), 'Norder,Npix\n');
});

test('HEALPix maps: implicit and explicit BINTABLEs round-trip, and the hats fixture map decodes', { skip: SKIP_SHARED }, () => {
  const dense = hist(0, [[0, 1], [3, 5], [4, 7], [5, 1], [6, 1], [7, 2], [8, 3]]);
  const sparse = hist(6, [[16384, 10], [40000, 2]]);
  for (const h of [dense, sparse]) {
    const bytes = encodeHealpixMap(h);
    assert.equal(bytes.length % 2880, 0);
    assert.deepEqual(decodeHealpixMap(bytes), h);
  }
  assert.match(encodeHealpixMap(sparse).toString('latin1', 2880, 5760), /INDXSCHM= 'EXPLICIT'/);
  assert.match(encodeHealpixMap(dense).toString('latin1', 2880, 5760), /INDXSCHM= 'IMPLICIT'/);
  const fixture = decodeHealpixMap(readFileSync(join(sharedHats, 'small_sky_source', 'point_map.fits')));
  assert.equal(fixture.order, 6);
  assert.equal(fixture.counts.reduce((a, b) => a + b, 0), 17161);
  assert.deepEqual(degradeHistogram(hist(1, [[16, 2], [17, 3], [20, 1]]), 0), hist(0, [[4, 5], [5, 1]]));
  assert.deepEqual(addHistograms(hist(0, [[1, 1], [3, 2]]), hist(0, [[3, 1], [4, 4]])), hist(0, [[1, 1], [3, 3], [4, 4]]));
});

test('top-down partitioning: coarsest cell under the threshold; over-full cells split', () => {
  // Order-2 histogram: 4 cells in base pixel 4, many rows in pixel 11's first child.
  const h = hist(2, [[64, 10], [65, 10], [66, 10], [67, 10], [176, 100], [177, 100], [188, 5]]);
  const plan = choosePartitions(h, { maxRows: 150 });
  assert.deepEqual(plan.pixels, [{ order: 0, pixel: 4 }, { order: 2, pixel: 176 }, { order: 2, pixel: 177 }, { order: 1, pixel: 47 }]);
  assert.deepEqual(plan.counts, [40, 100, 100, 5]);
  assert.deepEqual(plan.created, plan.pixels);
});

test('drop-empty-siblings keeps isolated data in small pixels', () => {
  const h = hist(2, [[64, 10], [65, 10], [188, 5]]);
  const plan = choosePartitions(h, { maxRows: 150, strategy: 'drop-empty-siblings' });
  assert.deepEqual(plan.pixels, [{ order: 1, pixel: 16 }, { order: 2, pixel: 188 }]);
});

test('incremental alignment: rows inside existing partitions stay there; new cells never overlap them', () => {
  const existing: HatsPixel[] = [{ order: 1, pixel: 44 }, { order: 2, pixel: 180 }];
  const h = hist(3, [[44 * 16 + 3, 7], [180 * 4, 2], [181 * 4, 9], [47 * 16, 4], [4 * 64, 1]]);
  const plan = choosePartitions(h, { maxRows: 1000, existing });
  assert.deepEqual(plan.created, [{ order: 0, pixel: 4 }, { order: 2, pixel: 181 }, { order: 1, pixel: 47 }]);
  assert.deepEqual(plan.counts, [1, 7, 2, 9, 4]);
  assertDisjoint([...existing, ...plan.created]);
  assert.throws(() => choosePartitions(h, { maxRows: 10, existing: [{ order: 5, pixel: 1 }] }), (e) => isAlertflowError(e, 'ERR_HATS'));
});

test('property: partitions are disjoint, cover every row, and respect the threshold unless a single cell is over it', () => {
  const M = 5;
  const arb = fc.record({
    cells: fc.uniqueArray(fc.integer({ min: 0, max: 12 * 4 ** M - 1 }), { minLength: 0, maxLength: 60 }),
    counts: fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 60, maxLength: 60 }),
    maxRows: fc.integer({ min: 1, max: 400 }),
    strategy: fc.constantFrom('top-down' as const, 'drop-empty-siblings' as const),
    existingCells: fc.uniqueArray(fc.integer({ min: 0, max: 47 }), { maxLength: 5 }),
  });
  fc.assert(
    fc.property(arb, ({ cells, counts, maxRows, strategy, existingCells }) => {
      const h = hist(M, cells.map((c, i) => [c, counts[i]!]));
      const existing = existingCells.map((pixel) => ({ order: 1, pixel }));
      const plan = choosePartitions(h, { maxRows, strategy, existing });
      assertDisjoint([...existing, ...plan.created]);
      assert.equal(plan.counts.reduce((a, b) => a + b, 0), counts.slice(0, cells.length).reduce((a, b) => a + b, 0));
      for (const c of cells) assert.ok(plan.pixels.some((p) => contains(p, { order: M, pixel: c })), `cell ${c} not covered`);
      plan.created.forEach((p) => {
        const n = plan.counts[plan.pixels.indexOf(p)]!;
        assert.ok(n <= maxRows || p.order === M, `partition ${p.order}/${p.pixel} has ${n} > ${maxRows}`);
      });
    }),
    { numRuns: 300 },
  );
});
