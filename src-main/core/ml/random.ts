// Seeded pseudo-random numbers for everything in the ML code that must be reproducible: bootstrap
// draws, features tried per split, synthetic histories. Mulberry32: tiny, fast, good enough for
// sampling (not for cryptography).

/** A generator of floats in [0, 1) fully determined by `seed`. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seed of tree `index` of a forest seeded with `seed`: trees do not depend on which thread grows them. */
export function treeSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
}
