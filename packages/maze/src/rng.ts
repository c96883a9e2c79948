/** A small, fast, seeded PRNG (sfc32 seeded through splitmix32): identical streams on every machine. */
export interface Rng {
  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number
  /** A float in [0, 1). */
  float(): number
  /** An integer in [0, n). */
  int(n: number): number
}

/** The generator of {@link createRng}, its state exposed for a hot loop to inline the update. */
export interface Sfc32Rng extends Rng {
  /**
   * a, b, c and the counter as int32. A loop that copies them to locals must run the update of
   * `nextUint32` on them and write them back before any other draw, or the streams diverge.
   */
  readonly state: Int32Array
}

const TWO_POW_32 = 4294967296

/** Creates a deterministic generator from any integer seed (only its low 32 bits are used). */
export function createRng(seed: number): Sfc32Rng {
  let s = seed >>> 0
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
  // State kept as int32 in a typed array: uint32 values in closure variables would be boxed as
  // heap numbers on every update, which made this generator the bottleneck of maze generation.
  const state = new Int32Array([splitmix(), splitmix(), splitmix(), splitmix()])
  // The maze carve (carve.ts) runs this same update inline: a change here must be made there too.
  const nextUint32 = (): number => {
    const a = state[0]!
    const b = state[1]!
    const c = state[2]!
    const d = state[3]!
    const t = (((a + b) | 0) + d) | 0
    state[3] = (d + 1) | 0
    state[0] = b ^ (b >>> 9)
    state[1] = (c + (c << 3)) | 0
    state[2] = (((c << 21) | (c >>> 11)) + t) | 0
    return t >>> 0
  }
  for (let i = 0; i < 12; i++) nextUint32()
  return {
    state,
    nextUint32,
    float: () => nextUint32() / TWO_POW_32,
    int: (n) => Math.floor((nextUint32() / TWO_POW_32) * n),
  }
}
