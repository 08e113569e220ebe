import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oracleScript, pythonOracle, PYTHON_ORACLE_MISSING, runPython } from '../../src/testing/python.js';
import { readFits, physicalPixels } from '../../src/fits/read.js';
import { writeFitsImage, writeFitsImageGz } from '../../src/fits/write.js';
import { stampWcs } from '../../src/fits/wcs-header.js';
import { tanPixelToSky, tanSkyToPixel, type TanWcs } from '../../src/fits/tan.js';
import { simulateNight } from '../../src/simulator/index.js';
import type { FitsPixels } from '../../src/fits/image.js';

const skip = pythonOracle() ? false : PYTHON_ORACLE_MISSING;
const PIXELS: [number, number][] = [[1, 1], [30, 30], [15.5, 15.5], [7.3, 22.9], [-40, 80], [300, -200]];

/** Angular distance in milliarcseconds (haversine, stable at tiny separations). */
function sepMas(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const r = Math.PI / 180;
  const h = Math.sin(((dec2 - dec1) * r) / 2) ** 2 + Math.cos(dec1 * r) * Math.cos(dec2 * r) * Math.sin(((ra2 - ra1) * r) / 2) ** 2;
  return 2 * Math.asin(Math.sqrt(h)) * (180 / Math.PI) * 3.6e6;
}

function jsValue(v: FitsPixels, i: number): string | number {
  const x = v[i]!;
  return typeof x === 'bigint' || Number.isInteger(x) && !(v instanceof Float32Array || v instanceof Float64Array) ? String(x) : (x as number);
}

test('astropy reads our FITS: data, header, and WCS agree to < 1 mas', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-fits-'));
  try {
    const files: { path: string; data: FitsPixels; wcs?: TanWcs; sky?: [number, number][] }[] = [];
    let k = 0;
    for (const { alert, truth } of simulateNight({ alerts: 30, seed: 9 })) {
      if (k >= 4) break;
      const img = readFits(alert.cutoutScience!);
      for (const [name, bytes] of [['diff', alert.cutoutDifference!], ['sci', alert.cutoutScience!], ['tmpl', alert.cutoutTemplate!]] as const) {
        const path = join(dir, `alert${k}-${name}.fits`);
        writeFileSync(path, bytes);
        files.push({ path, data: readFits(bytes).data, wcs: wcsOf(img.cards), sky: [[truth.ra, truth.dec], [alert.diaSource.ra, alert.diaSource.dec]] });
      }
      k++;
    }
    // Awkward WCSs: ra wrap, near the pole, rotated; and every BITPIX, one gzip-compressed.
    for (const [i, [ra, dec, rot]] of ([[359.99995, 12.3, 37], [0.00002, -89.95, -150], [180.5, 45, 90]] as const).entries()) {
      const { wcs, cards } = stampWcs({ ra, dec, pixelScaleArcsec: 0.2, width: 30, height: 30, rotationDeg: rot });
      const data = Float32Array.from({ length: 900 }, (_, j) => Math.sin(j) * 1e3);
      const path = join(dir, `wcs${i}.fits${i === 2 ? '.gz' : ''}`);
      writeFileSync(path, i === 2 ? writeFitsImageGz({ data, axes: [30, 30], cards }) : writeFitsImage({ data, axes: [30, 30], cards }));
      files.push({ path, data, wcs, sky: [[ra, dec]] });
    }
    const typed: FitsPixels[] = [Uint8Array.from([1, 2, 255, 0, 9, 8]), Int16Array.from([-32768, 5, 32767, 0, -1, 2]), Int32Array.from([-(2 ** 31), 5, 2 ** 31 - 1, 0, -1, 2]), BigInt64Array.from([-(2n ** 63n), 5n, 2n ** 63n - 1n, 2n ** 53n + 1n, -1n, 2n]), Float64Array.from([0.1, 1 / 3, -1e-300, 1e300, 5e-324, 2])];
    typed.forEach((data, i) => {
      const path = join(dir, `typed${i}.fits`);
      writeFileSync(path, writeFitsImage({ data, axes: [3, 2], cards: [{ key: 'OBJECT', value: "it's" }, { key: 'TINY', value: 1e-21 }, { key: 'REAL', value: 2, real: true }, { key: 'FLAG', value: false }, { key: 'HISTORY', comment: 'h'.repeat(100) }, { key: 'COMMENT', comment: 'a comment' }] }));
      files.push({ path, data });
    });
    const job = join(dir, 'job.json');
    writeFileSync(job, JSON.stringify({ check: files.map((f) => ({ path: f.path, pixels: f.wcs ? PIXELS : [], sky: f.sky ?? [] })), writeDir: null }));
    const r = await runPython(oracleScript('fits_oracle.py'), [job]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { checks: any[] };
    let worst = 0;
    out.checks.forEach((c, i) => {
      const f = files[i]!;
      assert.equal(c.data.length, f.data.length, f.path);
      for (let j = 0; j < f.data.length; j++) assert.equal(c.data[j], jsValue(f.data, j), `${f.path}[${j}]`);
      if (f.wcs) {
        assert.equal(c.header.RADESYS, 'ICRS');
        PIXELS.forEach(([x, y], j) => {
          const [ra, dec] = tanPixelToSky(f.wcs!, x, y);
          const [ara, adec] = c.world[j];
          worst = Math.max(worst, sepMas(ra, dec, ara, adec));
        });
        f.sky!.forEach(([ra, dec], j) => {
          const [x, y] = tanSkyToPixel(f.wcs!, ra, dec);
          // 1 mas is 0.005 pixel at 0.2″/pixel.
          assert.ok(Math.abs(x - c.pix[j][0]) < 0.005 && Math.abs(y - c.pix[j][1]) < 0.005, `${f.path} sky→pixel`);
        });
      } else {
        assert.equal(c.header.OBJECT, "it's");
        assert.equal(c.header.TINY, 1e-21);
        assert.equal(c.header.REAL, 2);
        assert.equal(c.header.FLAG, false);
        assert.deepEqual(c.history, ['h'.repeat(72), 'h'.repeat(28)]);
        assert.deepEqual(c.comment, ['a comment']);
      }
    });
    assert.ok(worst < 1, `worst pixel→sky difference ${worst} mas`);
    console.log(`# worst TAN pixel→sky difference vs astropy.wcs: ${worst.toExponential(2)} mas`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('we read the FITS astropy writes (every BITPIX, gzip, BZERO)', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-fits-'));
  try {
    const job = join(dir, 'job.json');
    writeFileSync(job, JSON.stringify({ check: [], writeDir: dir }));
    const r = await runPython(oracleScript('fits_oracle.py'), [job]);
    assert.equal(r.code, 0, r.stderr);
    const { written } = JSON.parse(r.stdout) as { written: { path: string; kind: string; shape: number[]; data: (string | number)[] }[] };
    assert.equal(written.length, 8);
    const { readFileSync } = await import('node:fs');
    for (const w of written) {
      const img = readFits(readFileSync(w.path));
      assert.deepEqual(img.axes, [...w.shape].reverse(), w.kind);
      const values = w.kind === 'u16' ? Array.from(physicalPixels(img), (x) => String(x)) : Array.from({ length: img.data.length }, (_, i) => jsValue(img.data, i));
      assert.deepEqual(values, w.data, w.kind);
      if (w.kind !== 'f32gz' && w.kind !== 'u16') {
        assert.equal(img.cards.find((c) => c.key === 'OBJECT')?.value, "it's a test");
        assert.equal(img.cards.find((c) => c.key === 'EXPTIME')?.value, 30);
        assert.equal(img.cards.find((c) => c.key === 'FLAG')?.value, true);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function wcsOf(cards: ReturnType<typeof readFits>['cards']): TanWcs {
  const v = (k: string) => cards.find((c) => c.key === k)!.value as number;
  return { crval: [v('CRVAL1'), v('CRVAL2')], crpix: [v('CRPIX1'), v('CRPIX2')], cd: [[v('CD1_1'), v('CD1_2')], [v('CD2_1'), v('CD2_2')]] };
}
