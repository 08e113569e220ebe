import { test } from 'node:test';
import assert from 'node:assert/strict';
import { from, lastValueFrom, toArray } from 'rxjs';
import { cutout, createCutoutStep, CUTOUT_STEP } from '../../src/operators/cutout.js';
import { createCutoutCore, type CutoutRequest, type CutoutResult } from '../../src/imaging/batch.js';
import { skyImageFromFits } from '../../src/imaging/image.js';
import { pixelToWorld0 } from '../../src/wcs/celestial.js';
import { isAlertflowError, type AlertflowError } from '../../src/errors.js';
import { rxChecklist } from '../helpers/rx-checklist.js';
import { testImageFits } from '../imaging/fixtures.js';

const image = skyImageFromFits(testImageFits());
const at = (id: string, x: number, y: number): CutoutRequest => {
  const [ra, dec] = pixelToWorld0(image.wcs, x, y);
  return { id, ra, dec };
};
const inputs = [at('a', 60, 45), at('edge', 1, 2), at('far', -100, 300), at('b', 100.2, 70.7)];
const config = { image, size: 9, sizeUnit: 'pix' as const, gzip: true };

async function expected(xs: CutoutRequest[]): Promise<CutoutResult[]> {
  const results = await createCutoutCore(config)(xs);
  return results.flatMap((r) => (r.ok ? r.out : []));
}

rxChecklist('cutout', {
  operator: () => cutout(config),
  inputs,
  expected,
  throwing: { operator: () => cutout(config), input: { id: 'nan', ra: NaN, dec: 1 }, error: (e) => isAlertflowError(e, 'ERR_WCS') },
});

test('cutout: flags, batching, onFailure, skipOutside and PNG output', async () => {
  const failed: [CutoutRequest, AlertflowError][] = [];
  const bad = { id: 'bad', ra: 1, dec: 95 };
  const out = await lastValueFrom(from([...inputs, bad]).pipe(cutout({ ...config, batchSize: 3, png: 'asinh', onFailure: (r, e) => failed.push([r, e]) }), toArray()));
  assert.deepEqual(out.map((o) => o.id), ['a', 'edge', 'far', 'b']);
  assert.deepEqual(out.map((o) => o.flags), [{ partial: false, outside: false }, { partial: true, outside: false }, { partial: false, outside: true }, { partial: false, outside: false }]);
  assert.ok(out.every((o) => o.fits[0] === 0x1f && o.png && o.png[1] === 0x50));
  assert.equal(failed.length, 1);
  assert.equal(failed[0]![1].code, 'ERR_WCS');
  const skipped = await lastValueFrom(from(inputs).pipe(cutout({ ...config, skipOutside: true }), toArray()));
  assert.deepEqual(skipped.map((o) => o.id), ['a', 'edge', 'b']);
});

test('createCutoutStep: JSON config with an image path; bad config is ERR_STEP_CONFIG; unreadable image fails each record', async () => {
  assert.equal(CUTOUT_STEP, 'cutout');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-step-'));
  try {
    const path = join(dir, 'img.fits.gz');
    writeFileSync(path, testImageFits({ ext: true, gzip: true }));
    const step = createCutoutStep({ image: path, hdu: 'SCI', size: 2, sizeUnit: 'arcsec' });
    const results = (await step(inputs)) as { ok: boolean; out?: CutoutResult[] }[];
    assert.deepEqual(results.map((r) => r.ok), [true, true, true, true]);
    assert.deepEqual(results.map((r) => r.out![0]!.fits.length % 2880), [0, 0, 0, 0]);
    // 2″ at 0.2″/pixel: 10 × 10 stamps, read from the SCI extension of a gzipped file.
    const { readFits } = await import('../../src/fits/read.js');
    assert.deepEqual(readFits(results[0]!.out![0]!.fits).axes, [10, 10]);
    // Structured clone (worker transfer) keeps everything.
    assert.deepEqual(structuredClone(results), results);
    for (const cfg of [{ image: path }, { image: path, size: -1 }, { image: path, size: 5, sizeUnit: 'deg' }, { image: path, size: 5, png: 'log' }, { image: 3, size: 5 }]) {
      assert.throws(() => createCutoutStep(cfg), (e) => isAlertflowError(e, 'ERR_STEP_CONFIG'), JSON.stringify(cfg));
    }
    const missing = (await createCutoutStep({ image: join(dir, 'nope.fits'), size: 5 })(inputs.slice(0, 2))) as { ok: boolean; error?: { code: string } }[];
    assert.deepEqual(missing.map((r) => [r.ok, r.error?.code]), [[false, 'ERR_IO'], [false, 'ERR_IO']]);
    // Records may name their own image (LRU-cached by path).
    const own = (await createCutoutStep({ size: 5 })([{ ...inputs[0]!, image: path }, inputs[1]!])) as { ok: boolean; error?: { code: string } }[];
    assert.deepEqual(own.map((r) => r.ok), [true, false]);
    assert.equal(own[1]!.error!.code, 'ERR_STEP_CONFIG');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
