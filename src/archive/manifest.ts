/**
 * The `manifest.json` member of a delivery tarball: what is inside, the time
 * span it covers, the writer schemas, and the sha256 of every other member.
 * It holds nothing that changes between runs (no creation time, no host),
 * so a rerun over the same alerts gives the same bytes.
 */

/** Manifest format tag; bump on incompatible changes. */
export const MANIFEST_FORMAT = 'alertflow-archive-manifest/1';
/** Name of the manifest member (always the last member of the tarball). */
export const MANIFEST_NAME = 'manifest.json';

/** One end of the covered time span. */
export interface ManifestTime {
  /** ISO 8601 UTC, ms precision. */
  iso: string;
  /** The alert's own MJD (scale in {@link ArchiveManifest.mjdScale}). */
  mjd: number;
  /** diaSourceId / candid of that alert. */
  key: string;
}

/** One Avro container file in the tarball. */
export interface ManifestMember {
  name: string;
  /** Built-in schema name, e.g. `lsst.v11_0`. */
  schema: string;
  count: number;
  bytes: number;
  /** Hex sha256 of the member's bytes. */
  sha256: string;
}

/** A writer schema used by the members. */
export interface ManifestSchema {
  name: string;
  /** Rabin fingerprint (Parsing Canonical Form), 16 hex digits. */
  fingerprint: string;
  /** The full writer schema JSON, as embedded in the members' headers. */
  schema: object;
}

/**
 * The manifest.
 *
 * @example
 * const m: ArchiveManifest = JSON.parse(text);
 * console.log(m.count, m.first?.iso, m.members.map((x) => x.sha256));
 */
export interface ArchiveManifest {
  format: typeof MANIFEST_FORMAT;
  period: { key: string; spec: string; start: string; end: string };
  count: number;
  mjdScale: 'TAI' | 'UTC' | 'mixed';
  first: ManifestTime | null;
  last: ManifestTime | null;
  /** Alerts within one member are ordered by time, then key; members follow that order. */
  order: 'time,key';
  schemas: ManifestSchema[];
  members: ManifestMember[];
}
