/** Small Rubin-shaped alerts for filter tests. */
export type Rec = Record<string, any>;

/**
 * A bare alert whose diaSource has extendedness `values[0]` and whose
 * prvDiaSources carry the rest (null and NaN allowed).
 */
export function alertWith(values: (number | null)[], opts: { ssObjectId?: bigint | null; ssSource?: Rec | null; mpc?: Rec | null; prv?: 'null' | 'list' } = {}): Rec {
  const src = (i: number, e: number | null): Rec => ({ diaSourceId: 1000n + BigInt(i), ssObjectId: i === 0 ? (opts.ssObjectId ?? null) : null, midpointMjdTai: 61000 - i, extendedness: e });
  const [first = null, ...rest] = values;
  return {
    diaSourceId: 1000n,
    diaSource: src(0, first),
    prvDiaSources: opts.prv === 'null' ? null : rest.map((e, i) => src(i + 1, e)),
    prvDiaForcedSources: null,
    diaObject: opts.ssSource ? null : { diaObjectId: 7n },
    ssSource: opts.ssSource ?? null,
    mpc_orbits: opts.mpc ?? null,
  };
}
