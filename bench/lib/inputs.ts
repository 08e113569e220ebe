/**
 * Seeded bench inputs, cached under `bench/results/cache/` keyed by seed and
 * count: the simulator costs milliseconds per alert, far more than decoding,
 * so re-runs must not pay it again.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { simulateNight } from '../../src/simulator/index.js';
import { requireBuiltInSchema } from '../../src/formats/avro/builtin.js';
import { encodeBody } from '../../src/formats/avro/body.js';
import { encodeWire } from '../../src/formats/avro/wire.js';
import { simulateToFile } from '../../src/cli/commands/simulate.js';
import { cacheDir } from './paths.js';
import { log } from './log.js';
import { since } from './stats.js';

/** The Rubin schema the benches use, and the registry id its wire packets carry. */
export const BENCH_SCHEMA = 'lsst.v11_0';
export const BENCH_SCHEMA_ID = 1100;
/** Bytes before each packet in a frames file: a big-endian uint32 length. */
const FRAME_HEADER = 4;

/** A seeded set of Rubin wire-format packets. */
export interface PacketSet {
  /** One Buffer per packet, each owning its memory (see {@link splitFrames}). */
  packets: Buffer[];
  totalBytes: number;
  /** The frames file: a 4-byte big-endian length, then one wire packet, repeated. */
  file: string;
  cacheHit: boolean;
  /** Simulator time when the set was generated now; null on a cache hit. */
  generateSeconds: number | null;
}

/**
 * Loads (or simulates and caches) `alerts` lsst.v11_0 wire packets for `seed`.
 *
 * @example
 * const { packets, totalBytes } = await loadPackets(5000, 1);
 */
export async function loadPackets(alerts: number, seed: number): Promise<PacketSet> {
  const file = join(cacheDir(), `lsst-v11-s${seed}-n${alerts}.frames`);
  if (existsSync(file)) {
    const packets = splitFrames(readFileSync(file));
    if (packets.length === alerts) return { packets, totalBytes: sum(packets), file, cacheHit: true, generateSeconds: null };
    log(`cache ${file} holds ${packets.length} packets, not ${alerts}: regenerating`);
  }
  const t0 = performance.now();
  const schema = requireBuiltInSchema(BENCH_SCHEMA);
  const packets: Buffer[] = [];
  const partial = `${file}.partial`;
  const fd = openSync(partial, 'w');
  try {
    const header = Buffer.alloc(FRAME_HEADER);
    for (const { alert } of simulateNight({ alerts, seed })) {
      const packet = encodeWire(BENCH_SCHEMA_ID, encodeBody(schema.type, alert));
      header.writeUInt32BE(packet.length, 0);
      writeSync(fd, header);
      writeSync(fd, packet);
      packets.push(packet);
      if (packets.length % 500 === 0) log(`simulated ${packets.length}/${alerts} alerts`);
    }
  } catch (err) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw err;
  }
  closeSync(fd);
  // Renamed only when complete, so an interrupted run never leaves a short cache behind.
  renameSync(partial, file);
  return { packets, totalBytes: sum(packets), file, cacheHit: false, generateSeconds: since(t0) };
}

/**
 * Splits a frames file into packets. Each packet is copied into its own
 * memory: a view into the whole file would make every structured clone (a
 * worker task) copy the entire file.
 */
export function splitFrames(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos + FRAME_HEADER <= data.length) {
    const n = data.readUInt32BE(pos);
    pos += FRAME_HEADER;
    if (pos + n > data.length) break; // truncated tail: the caller sees a short count and regenerates
    const own = Buffer.allocUnsafeSlow(n);
    data.copy(own, 0, pos, pos + n);
    out.push(own);
    pos += n;
  }
  return out;
}

/**
 * The same night as an Object Container File written by `simulateToFile`
 * (what `alertflow simulate` writes and `alertflow replay` reads), cached.
 *
 * @example
 * const { path } = await loadNightFile(5000, 1);
 */
export async function loadNightFile(alerts: number, seed: number): Promise<{ path: string; bytes: number; cacheHit: boolean; generateSeconds: number | null }> {
  const path = join(cacheDir(), `night-s${seed}-n${alerts}.avro`);
  if (existsSync(path)) return { path, bytes: statSync(path).size, cacheHit: true, generateSeconds: null };
  log(`simulating ${alerts} alerts into ${path}`);
  const r = await simulateToFile({ alerts, seed, out: path, quiet: true });
  return { path, bytes: r.bytes, cacheHit: false, generateSeconds: r.seconds };
}

function sum(packets: Buffer[]): number {
  let n = 0;
  for (const p of packets) n += p.length;
  return n;
}
