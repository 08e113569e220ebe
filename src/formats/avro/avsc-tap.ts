/**
 * avsc's internal cursor ("tap") over a buffer. It is not part of avsc's
 * public typings, but its schema-compiled `_read`/`_skip`/`_write` methods
 * take one, and using them directly is what makes exact longs and block
 * splitting fast.
 */
import { createRequire } from 'node:module';

/** The fields of avsc's Tap that alertflow touches. */
export interface AvscTap {
  buf: Uint8Array;
  pos: number;
  writeLong(n: number): void;
}

const require = createRequire(import.meta.url);

/** avsc's Tap constructor: `new Tap(buf, pos)`. */
export const Tap = (require('avsc/lib/utils') as { Tap: new (buf: Uint8Array, pos?: number) => AvscTap }).Tap;
