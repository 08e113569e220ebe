import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { encodeHeader, formatCard, formatFitsReal, headerValue, parseCard, parseHeader } from '../../src/fits/header.js';
import { readFits, isFits, physicalPixels } from '../../src/fits/read.js';
import { writeFitsImage, writeFitsImageGz } from '../../src/fits/write.js';
import { makeTanWcs, tanPixelToSky, tanSkyToPixel } from '../../src/fits/tan.js';
import { stampWcs, tanWcsFromCards } from '../../src/fits/wcs-header.js';
import { isAlertflowError } from '../../src/errors.js';

test('cards are 80 characters with values right-justified to column 30', () => {
  const [c] = formatCard({ key: 'BITPIX', value: -32, comment: 'array data type' });
  assert.equal(c!.length, 80);
  assert.equal(c!.slice(0, 30), 'BITPIX  =                  -32');
  assert.equal(formatCard({ key: 'SIMPLE', value: true })[0]!.slice(0, 30), 'SIMPLE  =                    T');
  assert.equal(formatCard({ key: 'OBJECT', value: "it's" })[0]!.slice(0, 20), "OBJECT  = 'it''s   '");
  assert.equal(formatCard({ key: 'X', value: null })[0]!.trimEnd(), 'X       =');
});

test('reals keep a decimal point, upper-case exponent and every bit', () => {
  assert.equal(formatFitsReal(150), '150.0');
  assert.equal(formatFitsReal(1e-21), '1.0E-21');
  assert.equal(formatFitsReal(-5.555555555555556e-5), '-5.555555555555556E-05');
  assert.equal(formatFitsReal(1.5e300), '1.5E+300');
  for (const x of [0.1, 1 / 3, -2.7777777777777776e-5, 53.12345678901234, 1e21, 123456789012345680000]) {
    assert.equal(Number(formatFitsReal(x)), x);
  }
  assert.throws(() => formatFitsReal(NaN), (e) => isAlertflowError(e, 'ERR_FITS'));
});

test('cards parse back to what was written', () => {
  const cards = [
    { key: 'OBJECT', value: "O'Brien's field", comment: 'a / slash' },
    { key: 'EXPTIME', value: 30.5 },
    { key: 'NCOMBINE', value: 12 },
    { key: 'BIGID', value: 2n ** 62n + 5n },
    { key: 'DONE', value: false },
    { key: 'CRVAL1', value: 150, real: true },
  ];
  for (const c of cards) {
    const back = parseCard(formatCard(c)[0]!);
    assert.equal(back.key, c.key);
    assert.equal(back.value, c.value);
  }
  assert.equal(parseCard(formatCard(cards[0]!)[0]!).comment, 'a / slash');
  assert.equal(parseCard("D       =             1.5D+03 / Fortran").value, 1500);
});

test('long COMMENT and HISTORY text spans several cards', () => {
  const text = 'x'.repeat(150);
  const lines = formatCard({ key: 'HISTORY', comment: text });
  assert.equal(lines.length, 3);
  assert.ok(lines.every((l) => l.length === 80 && l.startsWith('HISTORY ')));
});

test('headers fill whole 2880-byte blocks ending with END', () => {
  const bytes = encodeHeader(Array.from({ length: 36 }, (_, i) => ({ key: `K${i}`, value: i })));
  assert.equal(bytes.length, 5760); // 36 cards + END need a second block
  const { cards, end } = parseHeader(bytes);
  assert.equal(cards.length, 36);
  assert.equal(end, 5760);
  assert.equal(headerValue(cards, 'K35'), 35);
});

test('bad keywords, strings and reserved cards are refused', () => {
  assert.throws(() => formatCard({ key: 'TOOLONGKEY', value: 1 }), (e) => isAlertflowError(e, 'ERR_FITS'));
  assert.throws(() => formatCard({ key: 'S', value: 'é' }), (e) => isAlertflowError(e, 'ERR_FITS'));
  // Long strings are no longer refused: they use the CONTINUE convention (test/fits/hdus.test.ts).
  assert.equal(formatCard({ key: 'S', value: 'x'.repeat(70) }).length, 2);
  assert.throws(() => writeFitsImage({ data: new Float32Array(1), axes: [1], cards: [{ key: 'NAXIS1', value: 2 }] }), (e) => isAlertflowError(e, 'ERR_FITS'));
  assert.throws(() => writeFitsImage({ data: new Float32Array(3), axes: [2, 2] }), (e) => isAlertflowError(e, 'ERR_FITS'));
});

test('every BITPIX round-trips through write and read, plain and gzip', () => {
  const arrays = [
    Uint8Array.from([0, 1, 255, 7, 8, 9]),
    Int16Array.from([-32768, -1, 0, 1, 32767, 5]),
    Int32Array.from([-(2 ** 31), -1, 0, 1, 2 ** 31 - 1, 5]),
    BigInt64Array.from([-(2n ** 63n), -1n, 0n, 1n, 2n ** 63n - 1n, 2n ** 53n + 1n]),
    Float32Array.from([-1.5, 0, 3.4028234663852886e38, 1e-45, Math.fround(0.1), -0]),
    Float64Array.from([-1.5, 0, Number.MAX_VALUE, 5e-324, 0.1, 1 / 3]),
  ];
  for (const data of arrays) {
    const bytes = writeFitsImage({ data, axes: [3, 2], cards: [{ key: 'BUNIT', value: 'nJy' }] });
    assert.equal(bytes.length % 2880, 0);
    assert.ok(isFits(bytes));
    for (const b of [bytes, writeFitsImageGz({ data, axes: [3, 2] })]) {
      const img = readFits(b);
      assert.deepEqual(img.axes, [3, 2]);
      assert.deepEqual(img.data, data);
      assert.equal(img.end, b === bytes ? bytes.length : gunzipSync(b).length);
    }
  }
});

test('data are big-endian and padded with zeros', () => {
  const bytes = writeFitsImage({ data: Float32Array.from([1]), axes: [1] });
  assert.deepEqual([...bytes.subarray(2880, 2884)], [0x3f, 0x80, 0, 0]);
  assert.ok(bytes.subarray(2884).every((b) => b === 0));
});

test('truncated or foreign bytes raise ERR_FITS', () => {
  const bytes = writeFitsImage({ data: new Float32Array(900), axes: [30, 30] });
  assert.throws(() => readFits(bytes.subarray(0, 4000)), (e) => isAlertflowError(e, 'ERR_FITS'));
  assert.throws(() => readFits(bytes.subarray(0, 1000)), (e) => isAlertflowError(e, 'ERR_FITS'));
  assert.throws(() => readFits(Buffer.from('not a fits file'.repeat(300))), (e) => isAlertflowError(e, 'ERR_FITS'));
  assert.equal(isFits(Buffer.from('PK\x03\x04')), false);
});

test('BZERO/BSCALE are reported and applied by physicalPixels', () => {
  const bytes = writeFitsImage({ data: Int16Array.from([-32768, 0, 32767]), axes: [3], cards: [{ key: 'BZERO', value: 32768 }, { key: 'BSCALE', value: 1 }] });
  assert.deepEqual([...physicalPixels(readFits(bytes))], [0, 32768, 65535]);
});

test('TAN pixel ↔ sky round trip, including rotation, ra wrap and near the pole', () => {
  for (const [ra, dec, rot] of [[53.125, -28.1, 0], [359.9999, 10, 33], [0.0001, -89.99, -120], [180, 89.5, 90]] as const) {
    const wcs = makeTanWcs({ ra, dec, pixelScaleArcsec: 0.2, width: 30, height: 30, rotationDeg: rot });
    const [cra, cdec] = tanPixelToSky(wcs, 15.5, 15.5);
    assert.ok(Math.abs(cdec - dec) < 1e-12 && Math.abs(((cra - ra + 540) % 360) - 180) < 1e-9);
    for (const [x, y] of [[1, 1], [30, 30], [3.7, 25.2], [-100, 400]] as const) {
      const [sra, sdec] = tanPixelToSky(wcs, x, y);
      const [px, py] = tanSkyToPixel(wcs, sra, sdec);
      assert.ok(Math.abs(px - x) < 1e-6 && Math.abs(py - y) < 1e-6, `(${x}, ${y}) → (${px}, ${py})`);
    }
  }
  // North up, east left with no rotation.
  const wcs = makeTanWcs({ ra: 10, dec: 0, pixelScaleArcsec: 0.2, width: 30, height: 30 });
  const [ex] = tanSkyToPixel(wcs, 10 + 1 / 3600, 0);
  assert.ok(Math.abs(ex - (15.5 - 5)) < 1e-6);
});

test('WCS cards read back into the same WCS', () => {
  const { wcs, cards } = stampWcs({ ra: 53.1, dec: -28.1, pixelScaleArcsec: 0.2, width: 30, height: 30, rotationDeg: 17 });
  const bytes = writeFitsImage({ data: new Float32Array(900), axes: [30, 30], cards });
  assert.deepEqual(tanWcsFromCards(readFits(bytes).cards), wcs);
});
