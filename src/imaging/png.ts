/**
 * PNG encoding of stamps through sharp (8-bit greyscale). sharp is loaded
 * on first use, so modules that never make PNGs never load its native code.
 */
import { AlertflowError } from '../errors.js';
import { toGray8, type StretchName } from './stretch.js';

interface SharpChain {
  toColourspace: (space: string) => SharpChain;
  png: (o?: object) => { toBuffer: () => Promise<Buffer> };
}
type SharpFn = (input: Buffer, opts: { raw: { width: number; height: number; channels: 1 } }) => SharpChain;
let sharpPromise: Promise<SharpFn> | undefined;

function loadSharp(): Promise<SharpFn> {
  sharpPromise ??= import('sharp').then(
    (m) => ((m as { default?: unknown }).default ?? m) as SharpFn,
    (e: unknown) => {
      sharpPromise = undefined;
      throw new AlertflowError('ERR_IO', `PNG output needs the sharp package: ${(e as Error).message}`, {}, { cause: e });
    },
  );
  return sharpPromise;
}

/**
 * Encodes 8-bit grey levels (top row first) as a PNG.
 *
 * @example
 * const png = await encodeGrayPng(grey, 63, 63);
 */
export async function encodeGrayPng(grey: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const sharp = await loadSharp();
  const buf = await sharp(Buffer.from(grey.buffer, grey.byteOffset, grey.byteLength), { raw: { width, height, channels: 1 } })
    // Without this sharp writes the single band as RGB.
    .toColourspace('b-w')
    .png({ compressionLevel: 6 }).toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * A stamp as a PNG: stretched ('zscale' or 'asinh'), north-up row order, NaN black.
 *
 * @example
 * const png = await stampPng(stamp, 'zscale');
 */
export async function stampPng(stamp: { data: ArrayLike<number>; width: number; height: number }, stretch: StretchName = 'zscale'): Promise<Uint8Array> {
  return encodeGrayPng(toGray8(stamp.data, stamp.width, stamp.height, stretch), stamp.width, stamp.height);
}
