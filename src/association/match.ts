/**
 * One-to-one assignment of a visit's sources to targets (DiaObjects or
 * solar-system objects) from candidate pairs within the radius.
 *
 * The rule (greedy by distance): sort every candidate pair by separation,
 * then diaSourceId, then target id, and accept a pair when neither its source
 * nor its target is taken yet. So each target goes to its closest claimant,
 * and a source that loses its nearest target falls back to its next-nearest
 * free one within the radius; sources left over go on to the next stage (SSO,
 * then a new DiaObject). The result depends only on the set of pairs, never
 * on input order, and ties are broken by ids, so it is deterministic.
 */

/**
 * A candidate pair: source index (into the visit's sources), ids and separation.
 *
 * @example
 * const p: CandidatePair = { source: 0, sourceId: 11n, target: 7n, separationArcsec: 0.3 };
 */
export interface CandidatePair {
  source: number;
  sourceId: bigint;
  target: bigint;
  separationArcsec: number;
}

/**
 * Applies the greedy rule; returns, per source index, its accepted pair.
 *
 * @example
 * greedyOneToOne([{ source: 0, sourceId: 1n, target: 7n, separationArcsec: 0.2 }, { source: 1, sourceId: 2n, target: 7n, separationArcsec: 0.1 }])
 * // Map { 1 => { source: 1, … } }: source 1 is closer and wins object 7
 */
export function greedyOneToOne(pairs: readonly CandidatePair[]): Map<number, CandidatePair> {
  const sorted = [...pairs].sort(comparePairs);
  const won = new Map<number, CandidatePair>();
  const taken = new Set<bigint>();
  for (const p of sorted) {
    if (won.has(p.source) || taken.has(p.target)) continue;
    won.set(p.source, p);
    taken.add(p.target);
  }
  return won;
}

/**
 * The total order pairs are considered in.
 *
 * @example
 * pairs.sort(comparePairs);
 */
export function comparePairs(a: CandidatePair, b: CandidatePair): number {
  if (a.separationArcsec !== b.separationArcsec) return a.separationArcsec < b.separationArcsec ? -1 : 1;
  if (a.sourceId !== b.sourceId) return a.sourceId < b.sourceId ? -1 : 1;
  return a.target < b.target ? -1 : a.target > b.target ? 1 : 0;
}
