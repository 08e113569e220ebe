import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { oracleScript, pythonOracle, PYTHON_ORACLE_MISSING, runPython } from '../../src/testing/python.js';
import { physicalPixels, readFitsHdus, type FitsImage } from '../../src/fits/read.js';
import { writeFits, type FitsHduInput } from '../../src/fits/write-hdus.js';
import { quantize, unsignedPixels } from '../../src/fits/scale.js';
import type { FitsCard } from '../../src/fits/header.js';

const skip = pythonOracle() ? false : PYTHON_ORACLE_MISSING;
const COMMENTARY = new Set(['COMMENT', 'HISTORY', '']);

interface AstropyHdu {
  keys: string[];
  values: Record<string, unknown>;
  comments: Record<string, string>;
  comment: string[];
  history: string[];
  dtype: string | null;
  shape: number[];
  data: (string | number | null)[];
}

/** A card value in the oracle's JSON form: integers as strings, reals as numbers. */
function plain(c: FitsCard): unknown {
  const v = c.value;
  if (typeof v === 'bigint') return String(v);
  if (typeof v === 'number' && Number.isInteger(v) && !c.real) return String(v);
  return v;
}

/** Our pixels in the oracle's JSON form, as astropy presents them (unsigned offsets undone, scaling applied). */
function pixels(h: FitsImage): (string | number | null)[] {
  const u = unsignedPixels(h);
  if (u) return Array.from(u as ArrayLike<number | bigint>, (x) => String(x));
  const scaled = h.bscale !== 1 || h.bzero !== 0 || h.blank !== undefined;
  const d = scaled ? physicalPixels(h) : h.data;
  if (d instanceof Float32Array || d instanceof Float64Array) return Array.from(d, (x) => (Number.isNaN(x) ? null : x));
  return Array.from(d as ArrayLike<number | bigint>, (x) => String(x));
}

function sameHdu(ours: FitsImage, theirs: AstropyHdu, where: string, tol = 0): void {
  assert.deepEqual(ours.cards.map((c) => c.key), theirs.keys, `${where}: card order`);
  for (const c of ours.cards) {
    if (COMMENTARY.has(c.key)) continue;
    assert.deepEqual(plain(c), theirs.values[c.key], `${where}: ${c.key}`);
    assert.equal(c.comment ?? '', theirs.comments[c.key], `${where}: comment of ${c.key}`);
  }
  assert.deepEqual(ours.cards.filter((c) => c.key === 'HISTORY').map((c) => c.comment), theirs.history, `${where}: HISTORY`);
  assert.deepEqual(ours.cards.filter((c) => c.key === 'COMMENT').map((c) => c.comment), theirs.comment, `${where}: COMMENT`);
  assert.deepEqual([...ours.axes].reverse(), theirs.shape, `${where}: shape`);
  const mine = pixels(ours);
  assert.equal(mine.length, theirs.data.length, `${where}: pixel count`);
  mine.forEach((v, i) => {
    const t = theirs.data[i]!;
    if (tol > 0 && typeof v === 'number' && typeof t === 'number') assert.ok(Math.abs(v - t) <= tol * Math.max(1, Math.abs(t)), `${where}[${i}] ${v} vs ${t}`);
    else assert.equal(v, t, `${where}[${i}]`);
  });
}

function richFile(): FitsHduInput[] {
  const phys = Float64Array.from([10, 10.01, NaN, -5.5, 327.66, 0]);
  return [
    {
      data: Uint16Array.from([0, 1, 32768, 65535, 7, 40000]),
      axes: [3, 2],
      cards: [
        { key: 'OBJECT', value: "O'Brien's field", comment: 'target / with slash' },
        { key: 'EXPTIME', value: 30, real: true, comment: 'seconds' },
        { key: 'NCOMBINE', value: 12 },
        { key: 'FLAG', value: false },
        { key: 'HISTORY', comment: 'made by alertflow' },
        { key: 'LONGSTR', value: 'A long value: ' + 'abc '.repeat(40) + "it's the end", comment: 'needs CONTINUE' },
        { key: 'MYKEY', value: 1.25e-21, comment: 'unknown keyword' },
        { key: 'COMMENT', comment: 'last words' },
      ],
    },
    { data: Uint32Array.from([0, 1, 2 ** 31, 2 ** 32 - 1]), axes: [2, 2], extname: 'U32' },
    { data: Int8Array.from([-128, -1, 0, 127]), axes: [4], extname: 'I8' },
    { data: quantize(phys, 16, { bscale: 0.01, bzero: 10, blank: -32768 }), axes: [3, 2], bscale: 0.01, bzero: 10, blank: -32768, extname: 'SCALED' },
    { data: BigInt64Array.from([-(2n ** 63n), 2n ** 53n + 1n, 2n ** 63n - 1n]), axes: [3], extname: 'I64' },
    { data: Float32Array.from([NaN, 1.5, -0, 3e38]), axes: [2, 2], extname: 'F32' },
    { data: Float64Array.from([NaN, 5e-324, 1 / 3]), axes: [3], extname: 'F64', cards: [{ key: 'HISTORY', comment: 'h'.repeat(100) }] },
  ];
}

test('astropy reads our multi-HDU files (plain and gzip): header values, comments, order and data agree', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-hdus-'));
  try {
    const paths = [join(dir, 'rich.fits'), join(dir, 'rich.fits.gz')];
    writeFileSync(paths[0]!, writeFits(richFile()));
    writeFileSync(paths[1]!, writeFits(richFile(), { gzip: true }));
    const r = await runPython(oracleScript('fits_hdus.py'), ['read', ...paths]);
    assert.equal(r.code, 0, r.stderr);
    const files = JSON.parse(r.stdout) as { path: string; hdus: AstropyHdu[] }[];
    for (const f of files) {
      const ours = readFitsHdus(readFileSync(f.path));
      assert.equal(f.hdus.length, ours.length);
      ours.forEach((h, i) => sameHdu(h, f.hdus[i]!, `${f.path} HDU ${i}`, h.extname === 'SCALED' ? 1e-6 : 0));
      assert.equal(f.hdus[0]!.dtype, 'uint16');
      assert.equal(f.hdus[1]!.dtype, 'uint32');
      assert.equal(f.hdus[2]!.dtype, 'int8');
      assert.equal(f.hdus[0]!.values.LONGSTR, richFile()[0]!.cards![5]!.value);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('we read what astropy writes (MEF, every BITPIX, scaled ints, BLANK, NaN, long strings, gzip, tables) and write it back unchanged', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-hdus-'));
  try {
    const r = await runPython(oracleScript('fits_hdus.py'), ['write', dir]);
    assert.equal(r.code, 0, r.stderr);
    const made = JSON.parse(r.stdout) as { path: string; hdus: AstropyHdu[] }[];
    assert.equal(made.length, 3);
    const rewritten: string[] = [];
    let byteEqual = 0;
    for (const f of made) {
      const ours = readFitsHdus(readFileSync(f.path));
      assert.equal(ours.length, f.hdus.length, f.path);
      ours.forEach((h, i) => {
        if (h.kind === 'BINTABLE') assert.deepEqual(h.cards.map((c) => c.key), f.hdus[i]!.keys);
        else sameHdu(h, f.hdus[i]!, `${f.path} HDU ${i}`, h.extname === 'SCALED' ? 1e-6 : 0);
      });
      if (ours.some((h) => h.kind === 'BINTABLE')) {
        assert.equal(ours[2]!.extname, 'AFTER');
        continue;
      }
      const out = join(dir, `again-${rewritten.length}.fits${f.path.endsWith('.gz') ? '.gz' : ''}`);
      writeFileSync(out, writeFits(ours, { gzip: f.path.endsWith('.gz') }));
      rewritten.push(out);
      const before = readFileSync(f.path);
      // astropy's own files come back byte for byte, apart from how long strings are split.
      if (!ours.some((h) => h.cards.some((c) => typeof c.value === 'string' && c.value.length > 68))) {
        const plainBytes = (b: Buffer): Buffer => (b[0] === 0x1f ? gunzipSync(b) : b);
        assert.ok(plainBytes(readFileSync(out)).equals(plainBytes(before)), `${f.path} rewritten byte for byte`);
        byteEqual++;
      }
    }
    assert.equal(byteEqual, 1);
    const back = await runPython(oracleScript('fits_hdus.py'), ['read', ...rewritten]);
    assert.equal(back.code, 0, back.stderr);
    const again = JSON.parse(back.stdout) as { hdus: AstropyHdu[] }[];
    again.forEach((f, k) => assert.deepEqual(f.hdus, made.filter((m) => !m.hdus.some((h) => h.dtype === undefined))[k]!.hdus));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
