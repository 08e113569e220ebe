import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { cutoutAt, stampShape, stampStart } from '../../src/imaging/cutout.js';
import { SkyImageCache, skyImageFromFits } from '../../src/imaging/image.js';
import { stampFits } from '../../src/imaging/batch.js';
import { encodeGrayPng, stampPng } from '../../src/imaging/png.js';
import { minMax, stretchValues, toGray8, zscaleLimits } from '../../src/imaging/stretch.js';
import { LruCache } from '../../src/imaging/lru.js';
import { readFits } from '../../src/fits/read.js';
import { writeFits } from '../../src/fits/write-hdus.js';
import { wcsFromHeader } from '../../src/wcs/header.js';
import { pixelToWorld0, worldToPixel0 } from '../../src/wcs/celestial.js';
import { isAlertflowError } from '../../src/errors.js';
import { HEIGHT, prng, testImageFits, testPixels, testWcs, WIDTH } from './fixtures.js';

const img = skyImageFromFits(testImageFits());

test('the stamp grid follows overlap_slices: start = ceil(p − n/2)', () => {
  assert.equal(stampStart(10, 5), 8); // 8..12 centred on 10
  assert.equal(stampStart(10.4, 5), 8);
  assert.equal(stampStart(10.6, 5), 9);
  assert.equal(stampStart(10, 2), 9); // 9, 10: even sizes round the position up
  assert.equal(stampStart(10.5, 2), 10); // 10, 11
  assert.equal(stampStart(-0.2, 4), -2);
  // Angular sizes round half to even, like numpy.
  assert.deepEqual(stampShape(img.wcs, 6, 'arcsec'), [30, 30]);
  assert.deepEqual(stampShape(img.wcs, 2.5), [2, 2]);
  assert.deepEqual(stampShape(img.wcs, 3.5), [4, 4]);
  assert.deepEqual(stampShape(img.wcs, [5, 7.5]), [5, 8]);
  assert.throws(() => stampShape(img.wcs, 0.05, 'arcsec'), (e) => isAlertflowError(e, 'ERR_STEP_CONFIG'));
});

test('stamp FITS headers put the requested sky position at its pixel; plain and gzip read back', () => {
  const data = testPixels();
  for (const [x, y] of [[60.2, 44.7], [0.3, 89.2], [119.49, 0.5], [33.3, 66.6]] as const) {
    const [ra, dec] = pixelToWorld0(img.wcs, x, y);
    for (const n of [7, 8]) {
      const s = cutoutAt(img, ra, dec, { size: n });
      for (const gzip of [false, true]) {
        const back = readFits(stampFits(s, { gzip }));
        assert.deepEqual(back.axes, [n, n]);
        assert.equal(back.bitpix, -32);
        const wcs = wcsFromHeader(back.cards);
        const [sx, sy] = worldToPixel0(wcs, ra, dec);
        assert.ok(Math.abs(sx - (x - s.origin[0])) < 1e-6 && Math.abs(sy - (y - s.origin[1])) < 1e-6);
        // Every in-image stamp pixel is the image pixel under it.
        for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) {
          const ix = s.origin[0] + i, iy = s.origin[1] + j;
          const want = ix < 0 || iy < 0 || ix >= WIDTH || iy >= HEIGHT ? NaN : data[iy * WIDTH + ix]!;
          assert.ok(Object.is(back.data[j * n + i], want) || (Number.isNaN(want) && Number.isNaN(back.data[j * n + i] as number)));
        }
      }
      assert.equal(back0(s).cards.find((c) => c.key === 'BUNIT')?.value, 'nJy');
    }
  }
  function back0(s: ReturnType<typeof cutoutAt>) {
    return readFits(stampFits(s));
  }
});

test('bad positions are typed errors; images need two axes and a WCS', () => {
  assert.throws(() => cutoutAt(img, NaN, 0, { size: 5 }), (e) => isAlertflowError(e, 'ERR_WCS'));
  assert.throws(() => cutoutAt(img, 10, 91, { size: 5 }), (e) => isAlertflowError(e, 'ERR_WCS'));
  // The antipode of a TAN image has no projection.
  assert.throws(() => cutoutAt(img, 330.1, -2.2, { size: 5 }), (e) => isAlertflowError(e, 'ERR_WCS'));
  assert.doesNotThrow(() => skyImageFromFits(testImageFits({ ext: true })));
  const ait = writeFits([{ data: new Float32Array(4), axes: [2, 2], cards: [{ key: 'CTYPE1', value: 'RA---AIT' }, { key: 'CTYPE2', value: 'DEC--AIT' }] }]);
  assert.throws(() => skyImageFromFits(ait), (e) => isAlertflowError(e, 'ERR_WCS'));
  assert.throws(() => skyImageFromFits(writeFits([{ data: new Float32Array(4), axes: [4] }])), (e) => isAlertflowError(e, 'ERR_FITS'));
});

test('PNG: decodes with sharp to the stamp size, 8-bit grey, north up, NaN black', async () => {
  const s = cutoutAt(img, ...pixelToWorld0(img.wcs, 2, 3), { size: 11 });
  for (const stretch of ['zscale', 'asinh'] as const) {
    const png = stampPng(s, stretch);
    const meta = await sharp(png).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, meta.channels, meta.depth], ['png', 11, 11, 1, 'uchar']);
    const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height], [11, 11]);
    assert.deepEqual([...data], [...toGray8(s.data, 11, 11, stretch)]);
    // Stamp row 0 (south, off the image here) is the PNG's bottom row, all NaN → black.
    assert.ok([...data.subarray(10 * 11)].every((v) => v === 0));
  }
});

test('PNG encoder: sharp (libspng) reads back every grey level of odd shapes, CRCs and all', async () => {
  const grey7 = new Uint8Array(16).fill(7);
  const rnd = prng(11);
  // 1×1, one row, one column, a prime-sized stamp, and a large one of pure noise (stored, not compressed).
  for (const [w, h] of [[1, 1], [257, 1], [1, 300], [63, 61], [512, 384]] as const) {
    const grey = Uint8Array.from({ length: w * h }, (_, i) => (w === 512 ? Math.floor(rnd() * 256) : (i * 37 + Math.floor(rnd() * 9)) & 0xff));
    const png = encodeGrayPng(grey, w, h);
    const meta = await sharp(png).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, meta.channels, meta.depth], ['png', w, h, 1, 'uchar'], `${w}×${h}`);
    const { data } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    assert.ok(Buffer.from(grey).equals(data), `${w}×${h} pixels`);
  }
  // sharp does not check chunk CRCs, so zlib's CRC-32 (Node ≥ 20.15) checks ours, chunk by chunk.
  const crc32 = (zlib as { crc32?: (b: Uint8Array) => number }).crc32;
  if (crc32) {
    const png = Buffer.from(encodeGrayPng(grey7, 4, 4));
    const types: string[] = [];
    for (let at = 8; at < png.length; ) {
      const n = png.readUInt32BE(at);
      types.push(png.toString('latin1', at + 4, at + 8));
      assert.equal(png.readUInt32BE(at + 8 + n), crc32(png.subarray(at + 4, at + 8 + n)), types.at(-1));
      at += 12 + n;
    }
    assert.deepEqual(types, ['IHDR', 'IDAT', 'IEND']);
  }
});

test('PNG encoder: sizes that do not match the pixels are typed errors', () => {
  for (const [n, w, h] of [[4, 2, 3], [0, 0, 0], [4, 4.5, 1], [4, -2, -2]] as const) {
    assert.throws(() => encodeGrayPng(new Uint8Array(n), w, h), (e) => isAlertflowError(e, 'ERR_STEP_CONFIG'), `${n} ${w}×${h}`);
  }
});

test('stretches: zscale on noise brackets the median; asinh maps min→0 and max→1', () => {
  const noise = Array.from({ length: 2000 }, (_, i) => 100 + Math.sin(i * 12.9898) * 10);
  const [z1, z2] = zscaleLimits(noise);
  assert.ok(z1 < 100 && z2 > 100 && z1 >= 90 && z2 <= 110);
  assert.deepEqual(zscaleLimits([NaN, NaN]), [0, 0]);
  assert.deepEqual(minMax([3, NaN, -1]), [-1, 3]);
  const a = stretchValues([0, 1, 2, NaN, 10], 'asinh');
  assert.equal(a[0], 0);
  assert.equal(a[4], 1);
  assert.ok(Math.abs(a[1]! - Math.asinh(1) / Math.asinh(10)) < 1e-12);
  assert.ok(Number.isNaN(a[3]!));
  assert.deepEqual([...toGray8([1, 1, 1, 1], 2, 2, 'zscale')], [0, 0, 0, 0]);
});

test('image cache: LRU by path, one load per image, failed loads retried', async () => {
  const lru = new LruCache<string, number>(2);
  lru.set('a', 1); lru.set('b', 2); lru.get('a'); lru.set('c', 3);
  assert.equal(lru.get('b'), undefined);
  assert.equal(lru.get('a'), 1);
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-lru-'));
  try {
    const p = join(dir, 'a.fits');
    writeFileSync(p, testImageFits());
    const cache = new SkyImageCache(1);
    const [x, y] = await Promise.all([cache.get(p), cache.get(p)]);
    assert.equal(x, y);
    await assert.rejects(cache.get(join(dir, 'missing.fits')), (e) => isAlertflowError(e, 'ERR_IO'));
    assert.equal(cache.size, 0);
    assert.deepEqual(testWcs().crpix, x.wcs.crpix);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
