/**
 * Repositories behind a pluggable backend: the embargo, prompt_prep,
 * repo_main and public (end-user) Butler repositories of seed 003, reduced
 * to what the publication tasks need: dataset files, a JSON metadata record
 * per dataset, and TAGGED collections. Every operation is idempotent, so a
 * task killed half-way can simply be run again:
 *
 * - a copy writes a temporary file and renames it into place, and is skipped
 *   when the destination already holds identical bytes;
 * - a delete of something absent succeeds;
 * - metadata is upserted (same temp + rename, skipped when identical);
 * - tagging is a marker file per member, created or removed.
 *
 * {@link LocalDirectoryRepository} keeps all of it in one directory; an S3 or
 * Butler-registry backend would implement the same interface.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { AlertflowError } from '../errors.js';

/** A dataset's metadata record as a repository stores it (plain JSON). */
export type DatasetMetadata = Record<string, unknown> & { dataset_id: string };

/**
 * What the publication tasks need from a repository. Paths are relative,
 * `/`-separated; ids are dataset UUIDs; collection names are Butler-style
 * (`Prompt/Outputs/Available`).
 *
 * @example
 * const repo: RepositoryBackend = new LocalDirectoryRepository('prompt_prep', '/repos/prompt_prep');
 * await repo.copyFrom(embargo, 'run/difference_image/b8e9.fits');
 */
export interface RepositoryBackend {
  readonly name: string;
  /** True when the file exists. */
  has(path: string): Promise<boolean>;
  /** The file's bytes, or undefined when absent. */
  get(path: string): Promise<Uint8Array | undefined>;
  /** Writes a file atomically; a no-op when identical bytes are already there. */
  put(path: string, bytes: Uint8Array): Promise<void>;
  /** Copies a file from another repository (idempotent; see the module comment). */
  copyFrom(source: RepositoryBackend, path: string): Promise<void>;
  /** Deletes a file; absent is fine. */
  remove(path: string): Promise<void>;
  /** Relative paths of every dataset file, sorted. */
  list(): Promise<string[]>;
  readMetadata(id: string): Promise<DatasetMetadata | undefined>;
  /** Upserts the metadata record (skipped when identical). */
  writeMetadata(id: string, meta: DatasetMetadata): Promise<void>;
  removeMetadata(id: string): Promise<void>;
  /** Adds a dataset to a TAGGED collection (idempotent). */
  tag(collection: string, id: string): Promise<void>;
  /** Removes a dataset from a TAGGED collection (absent is fine). */
  untag(collection: string, id: string): Promise<void>;
  /** Members of a TAGGED collection, sorted. */
  members(collection: string): Promise<string[]>;
  /** Cleans up after a crash (temporary files); called once when the service opens. */
  recover?(): Promise<void>;
}

const FILES = 'datastore';
const METADATA = 'registry';
const COLLECTIONS = 'collections';
const TMP = '.tmp';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
const readIfAny = (abs: string): Buffer | undefined => {
  try {
    return readFileSync(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
};
/** Canonical JSON (sorted keys), so identical records are identical bytes. */
const canonical = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x), 1);

/**
 * A repository in a local directory: files under `datastore/`, metadata as
 * `registry/<id[0:2]>/<id>.json`, collections as `collections/<name>/<id>`
 * marker files.
 *
 * @example
 * const embargo = new LocalDirectoryRepository('embargo', 'repos/embargo');
 * await embargo.put('r1/difference_image/x.fits', bytes);
 */
export class LocalDirectoryRepository implements RepositoryBackend {
  readonly root: string;
  private tmpSeq = 0;
  /** Directories known to exist (saves a mkdir per write). */
  private readonly dirs = new Set<string>();

  constructor(readonly name: string, root: string) {
    this.root = resolve(root);
  }

  private file(path: string): string {
    const abs = resolve(this.root, FILES, path);
    if (!abs.startsWith(resolve(this.root, FILES) + sep)) throw new AlertflowError('ERR_PUBLICATION', `${this.name}: path ${path} leaves the repository`, { repository: this.name, path });
    return abs;
  }

  private metaFile(id: string): string {
    if (!UUID.test(id)) throw new AlertflowError('ERR_PUBLICATION', `${this.name}: dataset id ${id} is not a UUID`, { repository: this.name, id });
    return join(this.root, METADATA, id.slice(0, 2).toLowerCase(), `${id}.json`);
  }

  private tagFile(collection: string, id: string): string {
    if (!/^[A-Za-z0-9_]+(\/[A-Za-z0-9_]+)*$/.test(collection)) throw new AlertflowError('ERR_PUBLICATION', `bad collection name ${collection}`, { collection });
    this.metaFile(id);
    return join(this.root, COLLECTIONS, ...collection.split('/'), id);
  }

  /** Temp files live in ROOT/.tmp (same filesystem, so the rename is atomic); {@link recover} empties it. */
  private atomicWrite(abs: string, bytes: Uint8Array): void {
    const old = readIfAny(abs);
    if (old && sameBytes(old, bytes)) return;
    this.mkdir(dirname(abs));
    const tmpDir = join(this.root, TMP);
    this.mkdir(tmpDir);
    const tmp = join(tmpDir, `${process.pid}-${this.tmpSeq++}`);
    writeFileSync(tmp, bytes);
    renameSync(tmp, abs);
  }

  private mkdir(dir: string): void {
    if (this.dirs.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.dirs.add(dir);
  }

  /** Removes temporary files a killed process left behind (call before any task runs). */
  async recover(): Promise<void> {
    rmSync(join(this.root, TMP), { recursive: true, force: true });
    this.dirs.clear();
  }

  async has(path: string): Promise<boolean> {
    return existsSync(this.file(path));
  }

  async get(path: string): Promise<Uint8Array | undefined> {
    return readIfAny(this.file(path));
  }

  async put(path: string, bytes: Uint8Array): Promise<void> {
    this.atomicWrite(this.file(path), bytes);
  }

  async copyFrom(source: RepositoryBackend, path: string): Promise<void> {
    const bytes = await source.get(path);
    if (bytes === undefined) {
      // Already copied by an earlier run whose source was since removed: nothing to do.
      if (await this.has(path)) return;
      throw new AlertflowError('ERR_PUBLICATION', `${source.name} has no file ${path} to copy to ${this.name}`, { from: source.name, to: this.name, path });
    }
    await this.put(path, bytes);
  }

  async remove(path: string): Promise<void> {
    rmSync(this.file(path), { force: true });
  }

  async list(): Promise<string[]> {
    const base = join(this.root, FILES);
    const out: string[] = [];
    const walk = (d: string): void => {
      if (!existsSync(d)) return;
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else out.push(relative(base, p).split(sep).join('/'));
      }
    };
    walk(base);
    return out.sort();
  }

  async readMetadata(id: string): Promise<DatasetMetadata | undefined> {
    const bytes = readIfAny(this.metaFile(id));
    return bytes ? (JSON.parse(bytes.toString('utf8')) as DatasetMetadata) : undefined;
  }

  async writeMetadata(id: string, meta: DatasetMetadata): Promise<void> {
    this.atomicWrite(this.metaFile(id), Buffer.from(`${canonical(meta)}\n`));
  }

  async removeMetadata(id: string): Promise<void> {
    rmSync(this.metaFile(id), { force: true });
  }

  async tag(collection: string, id: string): Promise<void> {
    const abs = this.tagFile(collection, id);
    this.mkdir(dirname(abs));
    writeFileSync(abs, '', { flag: 'a' });
  }

  async untag(collection: string, id: string): Promise<void> {
    rmSync(this.tagFile(collection, id), { force: true });
  }

  async members(collection: string): Promise<string[]> {
    const dir = join(this.root, COLLECTIONS, ...collection.split('/'));
    return existsSync(dir) ? readdirSync(dir).filter((n) => UUID.test(n)).sort() : [];
  }
}

/** The four repositories the service moves datasets between. */
export interface Repositories {
  embargo: RepositoryBackend;
  prompt_prep: RepositoryBackend;
  repo_main: RepositoryBackend;
  public: RepositoryBackend;
}

/**
 * Local-directory repositories under one root: ROOT/embargo, ROOT/prompt_prep,
 * ROOT/repo_main, ROOT/public.
 *
 * @example
 * const repos = localRepositories('pps/repos');
 */
export function localRepositories(root: string): Repositories & Record<keyof Repositories, LocalDirectoryRepository> {
  const r = (n: string) => new LocalDirectoryRepository(n, join(root, n));
  return { embargo: r('embargo'), prompt_prep: r('prompt_prep'), repo_main: r('repo_main'), public: r('public') };
}
