/**
 * Oracle: association against astropy's search_around_sky on the same
 * objects and sources (20,000 objects, ~5,000 sources, dense patches at the
 * RA seam and both poles, close pairs and competing sources), with the same
 * one-source-per-object rule implemented in Python on astropy's pairs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { associateVisit } from '../../src/association/associate-visit.js';
import { InMemoryDiaObjectStore } from '../../src/association/memory-store.js';
import { oracleScript, pythonOracle, PYTHON_ORACLE_MISSING, runPython } from '../../src/testing/python.js';
import { makeScene } from './scene.js';

interface OracleOut {
  pairs: [string, string, number][];
  assigned: Record<string, [string, number]>;
}

test('associate agrees with astropy search_around_sky + the same greedy rule', { skip: pythonOracle() ? false : PYTHON_ORACLE_MISSING }, async (t) => {
  const { objects, sources } = makeScene(2025, 20_000, 5_000);
  const radiusArcsec = 1;
  const input = JSON.stringify({
    radiusArcsec,
    objects: objects.map((o) => [o.diaObjectId.toString(), o.ra, o.dec]),
    sources: sources.map((s) => [s.diaSourceId.toString(), s.ra, s.dec]),
  });
  const { stdout, stderr, code } = await runPython(oracleScript('associate_astropy.py'), [], input);
  assert.equal(code, 0, stderr);
  const oracle = JSON.parse(stdout) as OracleOut;

  const store = new InMemoryDiaObjectStore(objects);
  // Candidate sets first: every astropy pair and no other, with the same separation.
  const near = await store.near(sources, radiusArcsec / 3600);
  const ours = new Map<string, number>();
  near.forEach((list, i) => list.forEach((n) => ours.set(`${sources[i].diaSourceId}:${n.diaObjectId}`, n.separationDeg * 3600)));
  assert.equal(ours.size, oracle.pairs.length, 'candidate pair count');
  let maxPairDiff = 0;
  for (const [sid, oid, sep] of oracle.pairs) {
    const mine = ours.get(`${sid}:${oid}`);
    assert.ok(mine !== undefined, `astropy pair ${sid}-${oid} missing`);
    maxPairDiff = Math.max(maxPairDiff, Math.abs(mine - sep));
  }
  assert.ok(maxPairDiff < 1e-6, `pair separations differ by ${maxPairDiff} arcsec`);

  const result = await associateVisit(store, { visit: 1n, midpointMjdTai: 61000.1, diaSources: sources }, { radiusArcsec });
  let matched = 0;
  let conflictsLost = 0;
  for (const m of result.matches) {
    const want = oracle.assigned[m.diaSourceId.toString()];
    if (!want) {
      assert.equal(m.isNew, true, `source ${m.diaSourceId} should start a new object`);
      continue;
    }
    matched++;
    assert.equal(m.isNew, false);
    assert.equal(m.diaObjectId?.toString(), want[0], `source ${m.diaSourceId}`);
    assert.ok(Math.abs((m.separationArcsec as number) - want[1]) < 1e-6);
  }
  for (const s of sources) if (near[sources.indexOf(s)].length > 0 && !oracle.assigned[s.diaSourceId.toString()]) conflictsLost++;
  // The scene must exercise the interesting cases, or the test proves little.
  assert.ok(matched > 3000, `matched ${matched}`);
  assert.ok(conflictsLost > 50, `sources that lost every candidate: ${conflictsLost}`);
  const multi = near.filter((l) => l.length > 1).length;
  assert.ok(multi > 100, `sources with several candidates: ${multi}`);
  const poles = result.matches.filter((m, i) => Math.abs(sources[i].dec) > 89.9 && !m.isNew).length;
  const seam = result.matches.filter((m, i) => (sources[i].ra < 0.05 || sources[i].ra > 359.95) && Math.abs(sources[i].dec) < 1 && !m.isNew).length;
  assert.ok(poles > 500 && seam > 500, `pole matches ${poles}, seam matches ${seam}`);
  t.diagnostic(`sources ${sources.length}, pairs ${oracle.pairs.length}, matched ${matched}, multi-candidate ${multi}, lost all candidates ${conflictsLost}, pole ${poles}, seam ${seam}, max |Δsep| ${maxPairDiff.toExponential(2)} arcsec`);
});
