/**
 * Checks a delivery tarball against its own manifest: every listed member
 * present with the listed size and sha256, no unlisted members, counts that
 * add up, and (with `deep`) container files whose record counts match.
 */
import { open } from 'node:fs/promises';
import { AlertflowError } from '../errors.js';
import { readOcfBuffer } from '../formats/avro/ocf/read-buffer.js';
import { MANIFEST_FORMAT, MANIFEST_NAME, type ArchiveManifest } from './manifest.js';
import { hashTarMember, listTar, readTarMember } from './tar.js';

/** Result of {@link verifyArchive}. */
export interface VerifyResult {
  ok: boolean;
  path: string;
  /** One line per problem found (empty when ok). */
  problems: string[];
  manifest?: ArchiveManifest;
}

/**
 * Verifies one tarball. Problems are reported, not thrown; an unreadable
 * file (not a tar at all, truncated) is a problem too.
 *
 * @example
 * const r = await verifyArchive('out/20251120/alerts_20251120.tar');
 * if (!r.ok) console.error(r.problems.join('\n'));
 */
export async function verifyArchive(path: string, options: { deep?: boolean } = {}): Promise<VerifyResult> {
  const problems: string[] = [];
  let manifest: ArchiveManifest | undefined;
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    return { ok: false, path, problems: [`cannot open: ${(err as Error).message}`] };
  }
  try {
    const entries = await listTar(fh, path);
    const byName = new Map(entries.map((e) => [e.name, e]));
    const me = byName.get(MANIFEST_NAME);
    if (!me) return { ok: false, path, problems: [`no ${MANIFEST_NAME} member`] };
    manifest = JSON.parse((await readTarMember(fh, me)).toString('utf8')) as ArchiveManifest;
    if (manifest.format !== MANIFEST_FORMAT) problems.push(`unknown manifest format ${String(manifest.format)}`);
    const listed = new Set(manifest.members.map((m) => m.name));
    for (const e of entries) if (e.name !== MANIFEST_NAME && !listed.has(e.name)) problems.push(`member ${e.name} is not in the manifest`);
    let total = 0;
    for (const m of manifest.members) {
      total += m.count;
      const e = byName.get(m.name);
      if (!e) {
        problems.push(`member ${m.name} is missing`);
        continue;
      }
      if (e.size !== m.bytes) problems.push(`member ${m.name}: ${e.size} bytes, manifest says ${m.bytes}`);
      const sha = await hashTarMember(fh, e);
      if (sha !== m.sha256) problems.push(`member ${m.name}: sha256 ${sha} does not match the manifest (${m.sha256})`);
      else if (options.deep) {
        try {
          const n = readOcfBuffer(await readTarMember(fh, e)).blocks.reduce((s, b) => s + b.count, 0);
          if (n !== m.count) problems.push(`member ${m.name}: ${n} records, manifest says ${m.count}`);
        } catch (err) {
          problems.push(`member ${m.name}: not a readable container file: ${(err as Error).message}`);
        }
      }
    }
    if (total !== manifest.count) problems.push(`member counts add up to ${total}, manifest says ${manifest.count}`);
  } catch (err) {
    problems.push(err instanceof AlertflowError || err instanceof SyntaxError ? err.message : `cannot read: ${(err as Error).message}`);
  } finally {
    await fh.close();
  }
  return { ok: problems.length === 0, path, problems, ...(manifest ? { manifest } : {}) };
}
