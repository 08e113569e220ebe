import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeHeader, formatCard, parseHeader } from '../../src/fits/header.js';
import { physicalPixels, readFits, readFitsHdus, selectHdu } from '../../src/fits/read.js';
import { writeFits } from '../../src/fits/write-hdus.js';
import { quantize, toStored, unsignedPixels } from '../../src/fits/scale.js';
import { splitLongString } from '../../src/fits/long-string.js';
import { isAlertflowError } from '../../src/errors.js';

const isFitsErr = (e: unknown): boolean => isAlertflowError(e, 'ERR_FITS');

test('long strings use CONTINUE cards and parse back whole (quotes, & and comments)', () => {
  const values = ["x".repeat(69), "it's ".repeat(40) + 'x', "'".repeat(100), 'a & b '.repeat(30) + 'end', 'y'.repeat(200)];
  for (const value of values) {
    for (const comment of ['', 'short', 'a longer comment, '.repeat(8) + 'the end']) {
      const lines = formatCard({ key: 'LONGSTR', value, comment });
      assert.ok(lines.length >= 2 && lines.every((l) => l.length === 80), value);
      assert.ok(lines.slice(1).every((l) => l.startsWith("CONTINUE  '")));
      const { cards } = parseHeader(encodeHeader([{ key: 'LONGSTR', value, ...(comment ? { comment } : {}) }, { key: 'NEXT', value: 1 }]));
      assert.equal(cards.length, 2);
      assert.equal(cards[0]!.value, value);
      assert.equal(cards[0]!.comment ?? '', comment);
      assert.equal(cards[1]!.key, 'NEXT');
    }
  }
  // Escaped quotes are never split across cards.
  for (const p of splitLongString("'".repeat(100))) assert.equal(p.length % 2, 0);
});

test('a CONTINUE card without a preceding & string stays as it is', () => {
  const text = encodeHeader([{ key: 'A', value: 'short' }]).toString('latin1').replace('END'.padEnd(80), "CONTINUE  'orphan'".padEnd(80) + 'END'.padEnd(80));
  const { cards } = parseHeader(Buffer.from(text.padEnd(2880), 'latin1'));
  assert.equal(cards[0]!.value, 'short');
  assert.equal(cards[1]!.key, 'CONTINUE');
});

test('multi-HDU files: IMAGE extensions by index and EXTNAME, every BITPIX, gzip', () => {
  const exts = [
    { data: Uint8Array.from([1, 2, 3, 4, 5, 6]), extname: 'U8' },
    { data: Int16Array.from([-32768, 1, 2, 3, 4, 32767]), extname: 'I16' },
    { data: Int32Array.from([-(2 ** 31), 1, 2, 3, 4, 2 ** 31 - 1]), extname: 'I32' },
    { data: BigInt64Array.from([-(2n ** 63n), 1n, 2n, 3n, 4n, 2n ** 63n - 1n]), extname: 'I64' },
    { data: Float32Array.from([NaN, 1.5, -0, Infinity, 4, 5]), extname: 'F32' },
    { data: Float64Array.from([NaN, 1e-300, 2, 3, 4, 5]), extname: 'F64' },
  ];
  for (const gzip of [false, true]) {
    const bytes = writeFits([{ cards: [{ key: 'OBJECT', value: 'mef' }] }, ...exts.map((e) => ({ ...e, axes: [3, 2] }))], { gzip });
    assert.equal(bytes[0] === 0x1f, gzip);
    const hdus = readFitsHdus(bytes);
    assert.equal(hdus.length, 7);
    assert.equal(hdus[0]!.axes.length, 0);
    assert.equal(hdus[0]!.kind, 'PRIMARY');
    exts.forEach((e, i) => {
      const h = selectHdu(hdus, e.extname.toLowerCase());
      assert.equal(h.index, i + 1);
      assert.equal(h.kind, 'IMAGE');
      assert.deepEqual(h.axes, [3, 2]);
      assert.deepEqual(h.data, e.data);
      assert.deepEqual(readFits(bytes, i + 1).data, e.data);
      assert.deepEqual(readFits(bytes, e.extname).data, e.data);
    });
  }
  const bytes = writeFits([{}, { data: new Float32Array(1), axes: [1], extname: 'SCI' }]);
  assert.throws(() => readFits(bytes, 2), isFitsErr);
  assert.throws(() => readFits(bytes, 'VAR'), isFitsErr);
  assert.throws(() => writeFits([]), isFitsErr);
  assert.throws(() => writeFits([{ data: new Float32Array(3), axes: [2, 2] }]), isFitsErr);
});

test('unsigned and signed-byte arrays go through the standard BZERO offsets', () => {
  const u16 = Uint16Array.from([0, 1, 32768, 65535]);
  const u32 = Uint32Array.from([0, 1, 2 ** 31, 2 ** 32 - 1]);
  const i8 = Int8Array.from([-128, -1, 0, 127]);
  const u64 = BigUint64Array.from([0n, 1n, 2n ** 63n, 2n ** 64n - 1n]);
  const hdus = readFitsHdus(writeFits([u16, u32, i8, u64].map((data) => ({ data, axes: [4] }))));
  assert.deepEqual(unsignedPixels(hdus[0]!), u16);
  assert.deepEqual(unsignedPixels(hdus[1]!), u32);
  assert.deepEqual(unsignedPixels(hdus[2]!), i8);
  assert.deepEqual(unsignedPixels(hdus[3]!), u64);
  assert.deepEqual([...physicalPixels(hdus[0]!)], [...u16]);
  assert.deepEqual([...physicalPixels(hdus[2]!)], [...i8]);
  assert.equal(hdus[3]!.cards.find((c) => c.key === 'BZERO')!.value, 9223372036854775808n);
  assert.equal(toStored(new Float32Array(1)), undefined);
  assert.throws(() => writeFits([{ data: u16, axes: [4], bzero: 5 }]), isFitsErr);
});

test('BSCALE/BZERO quantisation and BLANK read back as physical values and NaN', () => {
  const phys = Float64Array.from([10, 10.01, NaN, -5.5, 327.66]);
  const stored = quantize(phys, 16, { bscale: 0.01, bzero: 10, blank: -32768 });
  const back = readFits(writeFits([{ data: stored, axes: [5], bscale: 0.01, bzero: 10, blank: -32768 }]));
  assert.equal(back.blank, -32768);
  const got = physicalPixels(back);
  phys.forEach((v, i) => (Number.isNaN(v) ? assert.ok(Number.isNaN(got[i]!)) : assert.ok(Math.abs(got[i]! - v) < 1e-9)));
  assert.throws(() => quantize([NaN], 16, { bscale: 1, bzero: 0 }), isFitsErr);
  assert.throws(() => quantize([1e9], 16, { bscale: 1, bzero: 0 }), isFitsErr);
  assert.throws(() => writeFits([{ data: new Float32Array(1), axes: [1], blank: 0 }]), isFitsErr);
});

test('headers survive a read/write round trip byte for byte (order, comments, commentary, unknown keys)', () => {
  const cards = [
    { key: 'OBJECT', value: "O'Brien", comment: 'target' },
    { key: 'HISTORY', comment: 'step 1' },
    { key: 'MYKEY', value: 1.0, real: true, comment: 'unknown to us' },
    { key: '', comment: 'blank keyword commentary' },
    { key: 'LONGSTR', value: 'z'.repeat(150), comment: 'long' },
    { key: 'COMMENT', comment: 'the end' },
    { key: 'UNDEF', value: null },
  ];
  const bytes = writeFits([{ data: Int16Array.from([1, 2, 3, 4]), axes: [2, 2], cards, bzero: 32768 }, { data: new Float64Array(2), axes: [2], extname: 'X', cards: [{ key: 'EXPTIME', value: 30, real: true }] }]);
  const again = writeFits(readFitsHdus(bytes));
  assert.ok(again.equals(bytes));
  const keys = readFits(bytes).cards.map((c) => c.key);
  assert.deepEqual(keys, ['SIMPLE', 'BITPIX', 'NAXIS', 'NAXIS1', 'NAXIS2', 'EXTEND', 'OBJECT', 'HISTORY', 'MYKEY', '', 'LONGSTR', 'COMMENT', 'UNDEF', 'BZERO']);
});

test('table extensions are listed (raw bytes) and cannot be written back as images', () => {
  // A minimal BINTABLE by hand: 2 rows of one 4-byte column.
  const head = encodeHeader([
    { key: 'XTENSION', value: 'BINTABLE' }, { key: 'BITPIX', value: 8 }, { key: 'NAXIS', value: 2 }, { key: 'NAXIS1', value: 4 }, { key: 'NAXIS2', value: 2 },
    { key: 'PCOUNT', value: 0 }, { key: 'GCOUNT', value: 1 }, { key: 'TFIELDS', value: 1 }, { key: 'TFORM1', value: '1J' },
  ]);
  const table = Buffer.concat([head, Buffer.alloc(2880)]);
  const bytes = Buffer.concat([writeFits([{}]), table, writeFits([{}, { data: Float32Array.from([7]), axes: [1], extname: 'AFTER' }]).subarray(2880)]);
  const hdus = readFitsHdus(bytes);
  assert.deepEqual(hdus.map((h) => h.kind), ['PRIMARY', 'BINTABLE', 'IMAGE']);
  assert.equal(hdus[1]!.data.length, 8);
  assert.deepEqual([...readFits(bytes, 'AFTER').data], [7]);
  assert.throws(() => writeFits(hdus), isFitsErr);
});
