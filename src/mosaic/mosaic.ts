/**
 * The weighted mosaic of a group's tiles: each tile (primary-beam-corrected
 * image I and beam B) is resampled onto a common SIN grid by bilinear
 * interpolation, and combined as sum(B^2 I) / sum(B^2), the inverse-variance
 * weighting for PB-corrected images with uniform noise. Pixels no tile
 * covers are NaN. Extension WEIGHT holds sum(B^2).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { AlertflowError } from '../errors.js';
import { physicalPixels, readFitsHdus, selectHdu } from '../fits/read.js';
import { writeFits } from '../fits/write-hdus.js';
import { pixelScales, pixelToWorld0, worldToPixel0, type CelestialWcs } from '../wcs/celestial.js';
import { wcsFromHeader, wcsHeaderCards } from '../wcs/header.js';

/** A tile loaded for mosaicking. */
export interface Tile {
  wcs: CelestialWcs;
  nx: number;
  ny: number;
  image: ArrayLike<number>;
  pb: ArrayLike<number>;
}

/**
 * Reads a tile FITS (primary image plus PB extension).
 *
 * @example
 * const tile = readTile('/stage/…/images/g/2025-10-29T13:54:17.img-image-pb.fits');
 */
export function readTile(path: string): Tile {
  const hdus = readFitsHdus(readFileSync(path));
  const img = hdus[0];
  const pb = selectHdu(hdus, 'PB');
  if (img.axes.length !== 2 || pb.axes[0] !== img.axes[0] || pb.axes[1] !== img.axes[1]) throw new AlertflowError('ERR_MOSAIC', `${path}: tile and PB shapes differ`, { path });
  return { wcs: wcsFromHeader(img.cards), nx: img.axes[0], ny: img.axes[1], image: physicalPixels(img), pb: physicalPixels(pb) };
}

/** Bilinear sample at 0-based (u, v), or undefined outside the pixel centres' hull. */
function bilinear(data: ArrayLike<number>, nx: number, ny: number, u: number, v: number): number | undefined {
  if (!(u >= 0 && v >= 0 && u <= nx - 1 && v <= ny - 1)) return undefined;
  const i = Math.min(Math.floor(u), nx - 2);
  const j = Math.min(Math.floor(v), ny - 2);
  const fx = u - i;
  const fy = v - j;
  const a = data[j * nx + i];
  const b = data[j * nx + i + 1];
  const c = data[(j + 1) * nx + i];
  const d = data[(j + 1) * nx + i + 1];
  return (1 - fy) * ((1 - fx) * a + fx * b) + fy * ((1 - fx) * c + fx * d);
}

/**
 * The mosaic grid: SIN, centred on the tiles' mean position, at the first
 * tile's pixel scale, large enough for every tile's footprint.
 *
 * @example
 * const { wcs, nx, ny } = mosaicGrid(tiles);
 */
export function mosaicGrid(tiles: Tile[]): { wcs: CelestialWcs; nx: number; ny: number } {
  if (tiles.length === 0) throw new AlertflowError('ERR_MOSAIC', 'a mosaic needs at least one tile');
  let sx = 0;
  let sy = 0;
  let dec = 0;
  for (const t of tiles) {
    sx += Math.cos((t.wcs.crval[0] * Math.PI) / 180);
    sy += Math.sin((t.wcs.crval[0] * Math.PI) / 180);
    dec += t.wcs.crval[1];
  }
  const ra = (((Math.atan2(sy, sx) * 180) / Math.PI) % 360 + 360) % 360;
  const [scale] = pixelScales(tiles[0].wcs);
  const probe: CelestialWcs = { projection: 'SIN', crval: [ra, dec / tiles.length], crpix: [1, 1], cd: [[-scale, 0], [0, scale]], radesys: 'ICRS', equinox: 2000 };
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const t of tiles) {
    for (const [u, v] of [[0, 0], [t.nx - 1, 0], [0, t.ny - 1], [t.nx - 1, t.ny - 1], [(t.nx - 1) / 2, 0], [(t.nx - 1) / 2, t.ny - 1]]) {
      const [x, y] = worldToPixel0(probe, ...pixelToWorld0(t.wcs, u, v));
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  const x0 = Math.floor(minX);
  const y0 = Math.floor(minY);
  return { wcs: { ...probe, crpix: [1 - x0, 1 - y0] }, nx: Math.ceil(maxX) - x0 + 1, ny: Math.ceil(maxY) - y0 + 1 };
}

/**
 * Combines tiles into a weighted mosaic.
 *
 * @example
 * const { data, weight, wcs, nx, ny } = coadd(paths.map(readTile));
 */
export function coadd(tiles: Tile[]): { data: Float32Array; weight: Float32Array; wcs: CelestialWcs; nx: number; ny: number } {
  const { wcs, nx, ny } = mosaicGrid(tiles);
  const num = new Float64Array(nx * ny);
  const den = new Float64Array(nx * ny);
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const [ra, dec] = pixelToWorld0(wcs, x, y);
      for (const t of tiles) {
        const [u, v] = worldToPixel0(t.wcs, ra, dec);
        const b = bilinear(t.pb, t.nx, t.ny, u, v);
        if (b === undefined || !(b > 0)) continue;
        const i = bilinear(t.image, t.nx, t.ny, u, v)!;
        num[y * nx + x] += b * b * i;
        den[y * nx + x] += b * b;
      }
    }
  }
  const data = new Float32Array(nx * ny);
  const weight = new Float32Array(nx * ny);
  for (let k = 0; k < data.length; k++) {
    data[k] = den[k] > 0 ? num[k] / den[k] : NaN;
    weight[k] = den[k];
  }
  return { data, weight, wcs, nx, ny };
}

/** Writes a mosaic (a pluggable step, so tests can make it fail). */
export type MosaicBuilder = (tilePaths: string[], outPath: string, meta: { groupId: string }) => Promise<void>;

/**
 * The default builder: reads the tiles, coadds, writes FITS (primary mosaic, WEIGHT extension).
 *
 * @example
 * await weightedMosaic(tilePaths, '/stage/…/mosaics/mosaic_2025-10-29T13:54:17.fits', { groupId });
 */
export const weightedMosaic: MosaicBuilder = async (tilePaths, outPath, meta) => {
  const { data, weight, wcs, nx, ny } = coadd(tilePaths.map(readTile));
  const cards = wcsHeaderCards(wcs);
  writeFileSync(
    outPath,
    writeFits([
      { data, axes: [nx, ny], cards: [...cards, { key: 'BUNIT', value: 'Jy/beam' }, { key: 'OBJECT', value: meta.groupId }, { key: 'NTILES', value: tilePaths.length }, { key: 'WEIGHTNG', value: 'PB**2' }] },
      { data: weight, axes: [nx, ny], extname: 'WEIGHT', cards },
    ]),
  );
};
