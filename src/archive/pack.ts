/**
 * Turns a period's spool into its delivery tarball, and a finished tarball
 * back into a spool (when alerts for a closed period turn up again).
 *
 * Packing is deterministic: alerts are sorted by (time, key), grouped by
 * schema, cut into container files of `alertsPerFile`, each with a sync
 * marker derived from its name, and the tar headers carry the period's end
 * as mtime. Same alerts in, same bytes out, whatever order they arrived in.
 */
import { createHash } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AlertflowError } from '../errors.js';
import type { DecodedAlert } from '../formats/types.js';
import { decodeBody } from '../formats/avro/body.js';
import { requireBuiltInSchema } from '../formats/avro/builtin.js';
import { ocfWriterSchema, toDecodedAlert } from '../formats/avro/decode-packet.js';
import { schemaFingerprint } from '../formats/avro/fingerprint.js';
import type { OcfCodecName } from '../formats/avro/ocf/codecs.js';
import { splitBlock } from '../formats/avro/ocf/blocks.js';
import { readOcfBuffer } from '../formats/avro/ocf/read-buffer.js';
import { OcfEncoder } from '../formats/avro/ocf/write.js';
import { skipperFor } from '../formats/avro/skip.js';
import { alertKey, alertTime, compareKeys, MJD_SCALE } from './alert-info.js';
import { MANIFEST_FORMAT, MANIFEST_NAME, type ArchiveManifest, type ManifestMember, type ManifestTime } from './manifest.js';
import type { Period } from './period.js';
import { hashFile, syncDir } from './fs-util.js';
import type { Spool, SpoolEntry } from './spool.js';
import { listTar, readTarMember, TarWriter } from './tar.js';

/** Options of {@link packSpool}. */
export interface PackOptions {
  /** `night` or `<N>h`, recorded in the manifest. */
  spec: string;
  /** Alerts per container file (default 1000). */
  alertsPerFile?: number;
  /** OCF codec (default `null`; `deflate` is also deterministic). */
  codec?: OcfCodecName;
}

/** What {@link packSpool} did. */
export interface PackResult {
  path: string;
  count: number;
  members: number;
  /** False when an identical tarball was already in place and was left untouched. */
  written: boolean;
  sha256: string;
}

const byTimeThenKey = (a: SpoolEntry, b: SpoolEntry): number => a.ms - b.ms || a.mjd - b.mjd || compareKeys(a.key, b.key);
const iso = (ms: number): string => new Date(Math.round(ms)).toISOString();
const timeOf = (e: SpoolEntry): ManifestTime => ({ iso: iso(e.ms), mjd: e.mjd, key: e.key });

function syncMarker(periodKey: string, member: string): Buffer {
  return createHash('sha256').update(`alertflow-archive\0${periodKey}\0${member}`).digest().subarray(0, 16);
}

/**
 * Writes `path` from the spool via `<path>.partial` and a rename; when
 * `path` already holds the same bytes it is left alone.
 *
 * @example
 * const r = await packSpool(spool, period, 'out/20251120/alerts_20251120.tar', { spec: 'night' });
 */
export async function packSpool(spool: Spool, period: Period, path: string, options: PackOptions): Promise<PackResult> {
  const perFile = options.alertsPerFile ?? 1000;
  if (!Number.isInteger(perFile) || perFile < 1) throw new AlertflowError('ERR_ARCHIVE', 'alertsPerFile must be a positive integer', { alertsPerFile: perFile });
  const entries = [...spool.entries].sort(byTimeThenKey);
  const schemaNames = [...new Set(entries.map((e) => e.schema))].sort();
  const partial = `${path}.partial`;
  const fh = await open(partial, 'w');
  const members: ManifestMember[] = [];
  try {
    const tar = new TarWriter(fh, Math.floor(period.endMs / 1000));
    for (const name of schemaNames) {
      const schema = requireBuiltInSchema(name);
      const group = entries.filter((e) => e.schema === name);
      for (let i = 0, seq = 0; i < group.length; i += perFile, seq++) {
        const memberName = `${name.replace(/[^A-Za-z0-9._-]/g, '_')}-${String(seq).padStart(5, '0')}.avro`;
        const enc = new OcfEncoder(schema.json, { codec: options.codec ?? 'null', sync: syncMarker(period.key, memberName) });
        await tar.begin(memberName);
        await tar.write(enc.header());
        const chunk = group.slice(i, i + perFile);
        for (const e of chunk) {
          const block = enc.add(await spool.readBody(e));
          if (block) await tar.write(block);
        }
        const last = enc.flush();
        if (last) await tar.write(last);
        const m = await tar.end();
        members.push({ name: memberName, schema: name, count: chunk.length, bytes: m.bytes, sha256: m.sha256 });
      }
    }
    const scales = new Set(schemaNames.map((n) => MJD_SCALE[requireBuiltInSchema(n).survey]));
    const manifest: ArchiveManifest = {
      format: MANIFEST_FORMAT,
      period: { key: period.key, spec: options.spec, start: iso(period.startMs), end: iso(period.endMs) },
      count: entries.length,
      mjdScale: scales.size > 1 ? 'mixed' : ([...scales][0] ?? 'UTC'),
      first: entries.length ? timeOf(entries[0]!) : null,
      last: entries.length ? timeOf(entries[entries.length - 1]!) : null,
      order: 'time,key',
      schemas: schemaNames.map((n) => {
        const s = requireBuiltInSchema(n);
        return { name: n, fingerprint: schemaFingerprint(s.type), schema: s.json };
      }),
      members,
    };
    await tar.addFile(MANIFEST_NAME, Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8'));
    await tar.finish();
    await fh.datasync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw err;
  }
  await fh.close();
  const sha256 = await hashFile(partial);
  const same = await stat(path).then(
    async (s) => s.isFile() && (await hashFile(path)) === sha256,
    () => false,
  );
  if (same) await rm(partial, { force: true });
  else {
    await rename(partial, path);
    await syncDir(dirname(path));
  }
  return { path, count: entries.length, members: members.length, written: !same, sha256 };
}

/**
 * Reads every alert of a finished tarball (its container-file members),
 * decoded with each member's writer schema.
 *
 * @example
 * for await (const { alert, body } of readTarballAlerts('alerts_20251120.tar')) …
 */
export async function* readTarballAlerts(path: string): AsyncGenerator<{ alert: DecodedAlert; body: Buffer; member: string }> {
  const fh = await open(path, 'r');
  try {
    for (const entry of await listTar(fh, path)) {
      if (!entry.name.endsWith('.avro')) continue;
      const { header, blocks } = readOcfBuffer(await readTarMember(fh, entry));
      const { schema, builtIn } = ocfWriterSchema(header);
      if (!builtIn) throw new AlertflowError('ERR_ARCHIVE', `${path}: member ${entry.name} has a schema that is not built in`, { path, member: entry.name });
      const skip = skipperFor(schema.type);
      for (const block of blocks) {
        for (const body of splitBlock(block, skip)) {
          const value = decodeBody<Record<string, unknown>>(schema.type, body);
          yield { alert: toDecodedAlert(schema, value, { kind: 'raw', bytes: body, writerSchema: schema.name }), body, member: entry.name };
        }
      }
    }
  } finally {
    await fh.close();
  }
}

/**
 * Puts a finished tarball's alerts back into a spool, so that new alerts for
 * its period merge with the ones already delivered.
 *
 * @example
 * await loadTarballIntoSpool('alerts_20251120.tar', spool);
 */
export async function loadTarballIntoSpool(path: string, spool: Spool): Promise<number> {
  let n = 0;
  let batch: Parameters<Spool['append']>[0] = [];
  for await (const { alert, body } of readTarballAlerts(path)) {
    const t = alertTime(alert);
    batch.push({ key: alertKey(alert, body), mjd: t.mjd, ms: t.ms, schema: alert.schema, body });
    if (batch.length >= 256) {
      n += await spool.append(batch);
      batch = [];
    }
  }
  n += await spool.append(batch);
  await spool.sync();
  return n;
}
