import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { builtInResolver } from '../../src/formats/avro/builtin.js';
import { decodePacket } from '../../src/formats/avro/decode-packet.js';
import { isGzip, readFitsHdus, readFits } from '../../src/fits/read.js';
import { writeFits } from '../../src/fits/write-hdus.js';
import { hasCelestialWcs, wcsFromHeader } from '../../src/wcs/header.js';
import { pixelScales, pixelToWorld, worldToPixel0 } from '../../src/wcs/celestial.js';
import { cutoutAt } from '../../src/imaging/cutout.js';
import { skyImageFromFits } from '../../src/imaging/image.js';
import { isAlertflowError } from '../../src/errors.js';
import { data, needsData } from '../formats/helpers.js';

type Rec = Record<string, any>;
const packet = async (...p: string[]): Promise<Rec> => (await decodePacket(readFileSync(data('boom-test-alerts', ...p)), builtInResolver())).alert as Rec;

test('BOOM LSST packet: plain FITS stamps with UNCERT and PSFIMAGE extensions, WCS at the diaSource', { skip: needsData }, async () => {
  const a = await packet('lsst', '7912941781254298.avro');
  for (const k of ['cutoutScience', 'cutoutTemplate', 'cutoutDifference']) {
    const bytes = a[k] as Uint8Array;
    assert.ok(!isGzip(bytes), k);
    const hdus = readFitsHdus(bytes);
    assert.deepEqual(hdus.map((h) => [h.kind, h.extname ?? null, h.bitpix]), [['PRIMARY', null, -32], ['IMAGE', 'UNCERT', -32], ['IMAGE', 'PSFIMAGE', -64]], k);
    assert.deepEqual([hdus[0]!.axes, hdus[1]!.axes], [[30, 30], [30, 30]]);
    const [pw, ph] = hdus[2]!.axes;
    assert.ok(pw === ph && pw! % 2 === 1, `${k}: square, odd PSF image`);
    assert.ok(hdus[0]!.data.some((v) => Number.isFinite(v as number) && v !== 0), `${k} has pixels`);
    // Written back, the stamp is the same file.
    assert.ok(writeFits(hdus).equals(Buffer.from(bytes)), `${k} rewrites byte for byte`);
    // The packet's stamps carry CRVAL/CRPIX/PC but no CTYPE, so the projection must be assumed.
    assert.equal(hasCelestialWcs(hdus[0]!.cards), false);
    assert.throws(() => wcsFromHeader(hdus[0]!.cards), (e) => isAlertflowError(e, 'ERR_WCS'));
    const wcs = wcsFromHeader(hdus[0]!.cards, { assumeProjection: 'TAN' });
    const [ra, dec] = pixelToWorld(wcs, wcs.crpix[0], wcs.crpix[1]);
    assert.ok(Math.abs(ra - a.diaSource.ra) < 1e-9 && Math.abs(dec - a.diaSource.dec) < 1e-9);
    const [x, y] = worldToPixel0(wcs, a.diaSource.ra, a.diaSource.dec);
    assert.ok(x > 13 && x < 16 && y > 13 && y < 16, 'the source is near the stamp centre');
    assert.ok(pixelScales(wcs).every((s) => Math.abs(s * 3600 - 0.2) < 0.002), 'Rubin pixels are 0.2″');
  }
});

test('BOOM ZTF packet: gzipped FITS stamps (63×63, no WCS in these stamps)', { skip: needsData }, async () => {
  const a = await packet('ztf', '2695378462115010012.avro');
  for (const k of ['cutoutScience', 'cutoutTemplate', 'cutoutDifference']) {
    const bytes = a[k].stampData as Uint8Array;
    assert.ok(isGzip(bytes), k);
    const img = readFits(bytes);
    assert.deepEqual([img.bitpix, img.axes], [-32, [63, 63]], k);
    assert.equal(img.cards.find((c) => c.key === 'BUNIT')?.value, 'DN');
    assert.equal(hasCelestialWcs(img.cards), false);
    assert.ok(writeFits(readFitsHdus(bytes)).equals(gunzipSync(bytes)), `${k} rewrites byte for byte`);
  }
});

test('BOOM Roman packet: plain FITS stamp with a TPV WCS (reported as unsupported, typed)', { skip: needsData }, async () => {
  const a = await packet('roman', 'alert.avro');
  const img = readFits(a.cutoutScience as Uint8Array);
  assert.deepEqual(img.axes, [129, 129]);
  assert.equal(hasCelestialWcs(img.cards), true);
  assert.throws(() => wcsFromHeader(img.cards), (e) => isAlertflowError(e, 'ERR_WCS'));
});

test('cutouts of a real stamp: recentring the LSST science stamp on its diaSource', { skip: needsData }, async () => {
  const a = await packet('lsst', '7912941781254298.avro');
  const hdus = readFitsHdus(a.cutoutScience as Uint8Array);
  const cards = [{ key: 'CTYPE1', value: 'RA---TAN' }, { key: 'CTYPE2', value: 'DEC--TAN' }, ...hdus[0]!.cards.filter((c) => !/^(SIMPLE|BITPIX|NAXIS\d*|EXTEND)$/.test(c.key))];
  const img = skyImageFromFits(writeFits([{ data: hdus[0]!.data, axes: hdus[0]!.axes, cards }]));
  const s = cutoutAt(img, a.diaSource.ra, a.diaSource.dec, { size: 2, sizeUnit: 'arcsec' });
  assert.deepEqual([s.width, s.height, s.flags.partial, s.flags.outside], [10, 10, false, false]);
});
