/**
 * Fills `out` with N(mean, std^2) draws from a seeded xoshiro128** stream (Marsaglia's polar method:
 * two normals per accepted pair of uniforms, no trigonometry). Done on the host because tfjs'
 * `randomNormal` draws one value at a time through a seedrandom object, about 30 ms for the 800k
 * values of one LeNet-5 step; this takes a few. The same seed always gives the same values.
 */
export function fillNormal(out: Float32Array, mean: number, std: number, seed: number): Float32Array {
  // SplitMix32 spreads the seed over the four state words (as @anl/core's createRng does).
  let x = seed | 0;
  const mix = (): number => {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return z ^ (z >>> 16);
  };
  let s0 = mix();
  let s1 = mix();
  let s2 = mix();
  let s3 = mix();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  const n = out.length;
  let i = 0;
  while (i < n) {
    // Two xoshiro128** outputs as signed 32-bit ints, scaled to uniforms in [-1, 1).
    let r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    let t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    const u = r * 4.656612873077393e-10; // 2^-31
    r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    const v = r * 4.656612873077393e-10;
    const q = u * u + v * v;
    // Reject points outside the unit disc (about 21 %) and the centre, whose log is -Inf.
    if (q >= 1 || q === 0) continue;
    const f = std * Math.sqrt((-2 * Math.log(q)) / q);
    out[i++] = mean + u * f;
    if (i < n) out[i++] = mean + v * f;
  }
  return out;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
