/**
 * {@link DiaObjectStore} in process memory. Positions are indexed by a static
 * k-d tree built over the objects present at construction (or at the last
 * rebuild) plus a hash-grid overlay for objects created or moved since; the
 * tree is rebuilt when the overlay grows past a quarter of it, so queries stay
 * fast over a whole night without rebuilding at every visit.
 */
import { AlertflowError } from '../errors.js';
import { chord2ForAngleDeg, radecToVector, separationDeg, type Vec3 } from '../sky/vector.js';
import { SkyHashGrid } from './grid.js';
import { SkyKdTree } from './kdtree.js';
import type { DiaObjectStore, NearbyObject, VisitUpdate } from './store.js';
import type { DiaObjectRecord, DiaSourceRecord, SsObjectSummary } from './types.js';

/** Overlay size below which the tree is never rebuilt. */
const MIN_REBUILD = 50_000;

/**
 * @example
 * const store = new InMemoryDiaObjectStore([{ diaObjectId: 1n, ra: 10, dec: 20 }]);
 * await store.near([{ ra: 10, dec: 20 }], 1 / 3600) // [[{ diaObjectId: 1n, … }]]
 */
export class InMemoryDiaObjectStore implements DiaObjectStore {
  private readonly objects = new Map<bigint, DiaObjectRecord>();
  private readonly sources = new Map<bigint, DiaSourceRecord[]>();
  private readonly sourceIds = new Set<bigint>();
  private readonly ss = new Map<bigint, SsObjectSummary>();
  private tree: SkyKdTree = SkyKdTree.fromRaDec([], []);
  private treeIds: bigint[] = [];
  private overlay = new SkyHashGrid<bigint>();
  private overlayPos = new Map<bigint, Vec3>();
  private nextId = 1n;
  private readonly minRebuild: number;

  /**
   * Seeds the store (ids must be unique; positions finite). `minRebuild`: overlay
   * size below which the tree is never rebuilt (default 50,000; tests lower it).
   */
  constructor(objects: Iterable<DiaObjectRecord> = [], options: { minRebuild?: number } = {}) {
    this.minRebuild = options.minRebuild ?? MIN_REBUILD;
    for (const o of objects) {
      checkObject(o);
      if (this.objects.has(o.diaObjectId)) throw new AlertflowError('ERR_ASSOCIATION', `duplicate diaObjectId ${o.diaObjectId}`, { diaObjectId: o.diaObjectId.toString() });
      this.objects.set(o.diaObjectId, o);
      if (o.diaObjectId >= this.nextId) this.nextId = o.diaObjectId + 1n;
    }
    this.rebuild();
  }

  /** Number of DiaObjects held. */
  get size(): number {
    return this.objects.size;
  }

  async near(positions: readonly { ra: number; dec: number }[], radiusDeg: number): Promise<NearbyObject[][]> {
    return positions.map((p) => this.nearOne(p.ra, p.dec, radiusDeg));
  }

  async inCone(ra: number, dec: number, radiusDeg: number): Promise<DiaObjectRecord[]> {
    return this.nearOne(ra, dec, radiusDeg).map((n) => this.objects.get(n.diaObjectId)!);
  }

  async getObjects(ids: readonly bigint[]): Promise<Map<bigint, DiaObjectRecord>> {
    const out = new Map<bigint, DiaObjectRecord>();
    for (const id of ids) {
      const o = this.objects.get(id);
      if (o) out.set(id, o);
    }
    return out;
  }

  async sourcesOf(ids: readonly bigint[]): Promise<Map<bigint, DiaSourceRecord[]>> {
    return new Map(ids.map((id) => [id, [...(this.sources.get(id) ?? [])]]));
  }

  async ssObjects(ids: readonly bigint[]): Promise<Map<bigint, SsObjectSummary>> {
    const out = new Map<bigint, SsObjectSummary>();
    for (const id of ids) {
      const s = this.ss.get(id);
      if (s) out.set(id, { ...s });
    }
    return out;
  }

  async reserveIds(count: number): Promise<bigint[]> {
    const out: bigint[] = [];
    for (let i = 0; i < count; i++) out.push(this.nextId++);
    return out;
  }

  async applyVisit(update: VisitUpdate): Promise<void> {
    // Validate everything first, so a rejected visit leaves the store untouched.
    const upserts = new Map<bigint, DiaObjectRecord>();
    for (const o of update.objects) {
      checkObject(o);
      if (upserts.has(o.diaObjectId)) throw reject(update, `diaObjectId ${o.diaObjectId} written twice`);
      upserts.set(o.diaObjectId, o);
    }
    const seen = new Set<bigint>();
    const perObject = new Map<bigint, DiaSourceRecord[]>();
    for (const s of [...update.diaSources, ...update.ssSources]) {
      if (this.sourceIds.has(s.diaSourceId) || seen.has(s.diaSourceId)) throw reject(update, `diaSourceId ${s.diaSourceId} is already stored`);
      seen.add(s.diaSourceId);
    }
    for (const s of update.diaSources) {
      const id = s.diaObjectId;
      if (id === null || id === undefined || !(upserts.has(id) || this.objects.has(id))) throw reject(update, `diaSource ${s.diaSourceId} names unknown diaObjectId ${String(id)}`);
      const list = perObject.get(id);
      if (list) throw reject(update, `diaObject ${id} has more than one diaSource in visit ${update.visit}`);
      perObject.set(id, [s]);
    }
    for (const s of update.ssSources) {
      if (s.ssObjectId === null || s.ssObjectId === undefined) throw reject(update, `ss source ${s.diaSourceId} has no ssObjectId`);
    }
    // Commit: nothing below throws.
    for (const s of seen) this.sourceIds.add(s);
    for (const [id, list] of perObject) {
      const prev = this.sources.get(id);
      if (prev) prev.push(...list);
      else this.sources.set(id, [...list]);
    }
    for (const s of update.ssSources) this.addSsSource(s);
    for (const o of upserts.values()) this.upsert(o);
    if (this.overlay.size > Math.max(this.minRebuild, this.tree.size / 4)) this.rebuild();
  }

  private addSsSource(s: DiaSourceRecord): void {
    const id = s.ssObjectId as bigint;
    const t = typeof s.midpointMjdTai === 'number' && Number.isFinite(s.midpointMjdTai) ? s.midpointMjdTai : null;
    const cur = this.ss.get(id) ?? { ssObjectId: id, nDiaSources: 0, firstDiaSourceMjdTai: null, lastDiaSourceMjdTai: null };
    cur.nDiaSources++;
    if (t !== null) {
      cur.firstDiaSourceMjdTai = cur.firstDiaSourceMjdTai === null ? t : Math.min(cur.firstDiaSourceMjdTai, t);
      cur.lastDiaSourceMjdTai = cur.lastDiaSourceMjdTai === null ? t : Math.max(cur.lastDiaSourceMjdTai, t);
    }
    this.ss.set(id, cur);
  }

  private upsert(o: DiaObjectRecord): void {
    const id = o.diaObjectId;
    const prev = this.objects.get(id);
    this.objects.set(id, o);
    if (id >= this.nextId) this.nextId = id + 1n;
    if (prev && prev.ra === o.ra && prev.dec === o.dec) return;
    // A moved or new object lives in the overlay; its tree slot (if any) is ignored from now on.
    const old = this.overlayPos.get(id);
    if (old) this.overlay.remove(id, old);
    const v = radecToVector(o.ra, o.dec);
    this.overlay.insert(id, v);
    this.overlayPos.set(id, v);
  }

  private rebuild(): void {
    const n = this.objects.size;
    const ra = new Float64Array(n);
    const dec = new Float64Array(n);
    const ids: bigint[] = new Array<bigint>(n);
    let i = 0;
    for (const o of this.objects.values()) {
      ra[i] = o.ra;
      dec[i] = o.dec;
      ids[i++] = o.diaObjectId;
    }
    this.tree = SkyKdTree.fromRaDec(ra, dec);
    this.treeIds = ids;
    this.overlay = new SkyHashGrid<bigint>();
    this.overlayPos = new Map();
  }

  private nearOne(ra: number, dec: number, radiusDeg: number): NearbyObject[] {
    const out: NearbyObject[] = [];
    if (!(radiusDeg >= 0)) return out;
    const q = radecToVector(ra, dec);
    // The chord test is a slightly generous prefilter; the exact test is on the separation.
    const c2 = chord2ForAngleDeg(Math.min(radiusDeg, 180)) * (1 + 1e-9) + 1e-24;
    const take = (id: bigint): void => {
      const o = this.objects.get(id)!;
      const sep = separationDeg(ra, dec, o.ra, o.dec);
      if (sep <= radiusDeg) out.push({ diaObjectId: id, ra: o.ra, dec: o.dec, separationDeg: sep });
    };
    this.tree.forEachWithin(q[0], q[1], q[2], c2, (slot) => {
      const id = this.treeIds[slot];
      if (!this.overlayPos.has(id)) take(id);
    });
    this.overlay.forEachWithin(q, c2, take);
    return out;
  }
}

function checkObject(o: DiaObjectRecord): void {
  if (typeof o.diaObjectId !== 'bigint') throw new AlertflowError('ERR_ASSOCIATION', 'diaObjectId must be a bigint', { diaObjectId: String(o.diaObjectId) });
  if (!Number.isFinite(o.ra) || !Number.isFinite(o.dec) || o.dec < -90 || o.dec > 90) {
    throw new AlertflowError('ERR_ASSOCIATION', `diaObject ${o.diaObjectId} has an invalid position (${o.ra}, ${o.dec})`, { diaObjectId: o.diaObjectId.toString() });
  }
}

function reject(update: VisitUpdate, message: string): AlertflowError {
  return new AlertflowError('ERR_ASSOCIATION', message, { visit: update.visit.toString() });
}
