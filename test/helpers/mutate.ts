/** Seeded byte mutations shared by the fuzz tests: the same mutants on every run. */

/** Seeded PRNG (mulberry32): the same mutants on every run. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One random mutation: bit flips, truncation, inserted bytes or a zeroed run. */
export function mutate(src: Uint8Array, rnd: () => number): Buffer {
  const b = Buffer.from(src);
  const at = Math.floor(rnd() * b.length);
  switch (Math.floor(rnd() * 4)) {
    case 0:
      for (let i = 0, n = 1 + Math.floor(rnd() * 4); i < n; i++) b[Math.floor(rnd() * b.length)]! ^= 1 << Math.floor(rnd() * 8);
      return b;
    case 1:
      return b.subarray(0, at);
    case 2:
      return Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => Math.floor(rnd() * 256))), b.subarray(at)]);
    default:
      b.fill(0, at, Math.min(b.length, at + 1 + Math.floor(rnd() * 64)));
      return b;
  }
}
