import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readFitsHdus } from '../../src/fits/read.js';
import { simulatedConverter } from '../../src/mosaic/convert.js';
import { simulatedSolver } from '../../src/mosaic/calibrate.js';
import { simulatedImager } from '../../src/mosaic/image.js';
import { weightedMosaic } from '../../src/mosaic/mosaic.js';
import { StreamingMosaic } from '../../src/mosaic/process.js';
import { isAlertflowError } from '../../src/errors.js';
import { nightDir, runPipeline } from './helpers.js';

test('injected failures: a failed conversion is quarantined, a failed gain solve fails only its group, a failed tile only its MS, a failed mosaic only its group', async () => {
  // 35 observations (+1 incomplete): conversion of #3 fails, so groups are over the 34 good MS: 0-9, 8-17, 16-25, 24-33.
  const night = nightDir(36, { truncateLast: 15 });
  const bad = night.stamps[3];
  const good = night.stamps.slice(0, 35).filter((t) => t !== bad);
  const group = (k: number) => good.slice(8 * k, 8 * k + 10);
  const p = await runPipeline({
    root: night.root,
    incoming: night.incoming,
    converter: simulatedConverter({ failOn: (ts) => ts === bad }),
    solver: simulatedSolver({ failGainsOn: (ts) => ts === group(1)[4] }),
    imager: simulatedImager({ failOn: (ts) => ts === group(2)[6] }),
    mosaic: async (tiles, out, meta) => {
      if (meta.groupId === `mosaic_${group(3)[0]}`) throw new Error('disk full (injected)');
      await weightedMosaic(tiles, out, meta);
    },
  });
  const groups = await p.ctx.db.groups();
  assert.deepEqual(groups.map((g) => [g.group_id, g.status]), [0, 1, 2, 3].map((k) => [`mosaic_${group(k)[0]}`, ['completed', 'calibration_failed', 'completed', 'mosaic_failed'][k]]));
  assert.match(groups[1].error!, /gain solve failure/);
  assert.match(groups[3].error!, /disk full/);
  const failedMs = (await p.ctx.db.ms(bad))!;
  assert.equal(failedMs.status, 'failed');
  assert.equal(failedMs.path, join(night.root, 'ms', 'failed', bad.slice(0, 10), `${bad}.ms`));
  assert.ok(existsSync(join(failedMs.path, 'SUBBANDS.json')), 'the partial MS is kept for review');
  const tileFailed = (await p.ctx.db.ms(group(2)[6]))!;
  assert.equal(tileFailed.status, 'failed');
  assert.match(tileFailed.error!, /imaging/);
  const mosaic2 = readFitsHdus(readFileSync(join(night.root, 'mosaics', `${groups[2].group_id}.fits`)))[0];
  assert.equal(mosaic2.cards.find((c) => c.key === 'NTILES')?.value, 9, 'the other 9 tiles still make the mosaic');
  assert.ok(!existsSync(join(night.root, 'mosaics', `${groups[3].group_id}.fits`)));
  const status = await p.status();
  assert.equal(status.calibrationSuccessRate, 3 / 4);
  assert.equal(status.msFailed, 2);
  const check = await p.checkGroups();
  assert.deepEqual(check.incompleteIncoming.map((i) => i.subbands.length), [15], 'the incomplete group waits in incoming');
  // clear-calibration of a group's overlap tiles: files and flags.
  const cleared = await p.clearCalibration({ groupId: groups[2].group_id });
  assert.deepEqual(cleared, group(2).slice(8));
  for (const ts of cleared) {
    const r = (await p.ctx.db.ms(ts))!;
    assert.equal(r.cal_applied, 0);
    assert.ok(!existsSync(join(r.path, 'CORRECTED_DATA.json')));
  }
  await assert.rejects(p.clearCalibration({ timestamps: ['1999-01-01T00:00:00'] }), (e) => isAlertflowError(e, 'ERR_MOSAIC'));
  await p.close();
  await assert.rejects(StreamingMosaic.open({ root: night.root, incoming: join(night.dir, 'nope') }), (e) => isAlertflowError(e, 'ERR_MOSAIC'));
  rmSync(night.dir, { recursive: true, force: true });
});
