/**
 * Seeded test scenes for association: objects spread over the sky with dense
 * patches at the RA 0/360 seam and both poles, close object pairs, sources
 * offset from objects, isolated sources and pairs of sources competing for
 * one object.
 */
import { Rng } from '../../src/simulator/prng.js';
import { radecToVector, vectorToRadec } from '../../src/sky/vector.js';
import type { DiaObjectRecord, DiaSourceRecord } from '../../src/association/types.js';

/** (ra, dec) moved by `arcsec` towards position angle `pa` (radians), exact on the sphere. */
export function offset(ra: number, dec: number, arcsec: number, pa: number): [number, number] {
  const p = radecToVector(ra, dec);
  const a = (ra * Math.PI) / 180;
  const d = (dec * Math.PI) / 180;
  const east = [-Math.sin(a), Math.cos(a), 0];
  const north = [-Math.sin(d) * Math.cos(a), -Math.sin(d) * Math.sin(a), Math.cos(d)];
  const t = (arcsec / 3600) * (Math.PI / 180);
  const v = [0, 1, 2].map((i) => Math.cos(t) * p[i] + Math.sin(t) * (Math.sin(pa) * east[i] + Math.cos(pa) * north[i]));
  return vectorToRadec(v);
}

function patchPosition(rng: Rng): [number, number] {
  const k = rng.int(4);
  if (k === 0) return [rng.float() * 360, (Math.asin(2 * rng.float() - 1) * 180) / Math.PI];
  if (k === 1) return [(360 + rng.uniform(-0.02, 0.02)) % 360, rng.uniform(-0.02, 0.02)];
  if (k === 2) return [rng.float() * 360, 90 - 0.015 * Math.sqrt(rng.float())];
  return [rng.float() * 360, -90 + 0.015 * Math.sqrt(rng.float())];
}

export interface Scene {
  objects: DiaObjectRecord[];
  sources: DiaSourceRecord[];
}

/**
 * A scene of `nObjects` objects and about `nSources` sources.
 *
 * @example
 * const { objects, sources } = makeScene(1, 2000, 500);
 */
export function makeScene(seed: number, nObjects: number, nSources: number, idBase = 1_000_000_000_000n): Scene {
  const rng = new Rng(seed);
  const objects: DiaObjectRecord[] = [];
  while (objects.length < nObjects) {
    const [ra, dec] = patchPosition(rng);
    objects.push({ diaObjectId: idBase + BigInt(objects.length * 7 + 3), ra, dec });
    // Close pairs, so sources see two candidates.
    if (rng.chance(0.1) && objects.length < nObjects) {
      const [r2, d2] = offset(ra, dec, rng.uniform(0.3, 1.8), rng.uniform(0, 2 * Math.PI));
      objects.push({ diaObjectId: idBase + BigInt(objects.length * 7 + 3), ra: r2, dec: d2 });
    }
  }
  const sources: DiaSourceRecord[] = [];
  const add = (ra: number, dec: number): void => {
    sources.push({ diaSourceId: idBase * 10n + BigInt(sources.length * 13 + 1), ra, dec, band: 'ugrizy'[rng.int(6)], psfFlux: rng.uniform(-500, 5000), psfFluxErr: rng.uniform(20, 200), midpointMjdTai: 61000.1 });
  };
  while (sources.length < nSources) {
    const u = rng.float();
    const o = objects[rng.int(objects.length)];
    if (u < 0.6) add(...offset(o.ra, o.dec, rng.uniform(0, 1.2), rng.uniform(0, 2 * Math.PI)));
    else if (u < 0.8) add(...patchPosition(rng));
    else {
      // Two sources competing for one object.
      add(...offset(o.ra, o.dec, rng.uniform(0, 0.9), rng.uniform(0, 2 * Math.PI)));
      add(...offset(o.ra, o.dec, rng.uniform(0, 0.9), rng.uniform(0, 2 * Math.PI)));
    }
  }
  return { objects, sources };
}
