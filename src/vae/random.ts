/**
 * One seedable source of randomness for data, initialisation and ε, so a run repeats exactly.
 *
 * The generator is xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", 2018), seeded through splitmix32 so that nearby seeds give unrelated streams.
 * Normals use the Box–Muller transform. `fork(label)` derives an independent child stream, so adding
 * a draw in one place (say, the data) does not shift the numbers another place (say, ε) sees.
 *
 * @example
 * const rng = new Rng(42);
 * rng.uniform(); //=> the same number on every run with seed 42
 * const eps = rng.fork("eps"); // an independent stream for the reparameterization noise
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;
  readonly seed: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) {
      throw new Error(`Rng: seed must be a finite number, got ${seed}. Pass an integer such as 42.`);
    }
    this.seed = seed >>> 0;
    let x = this.seed;
    const next = (): number => {
      // splitmix32
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform draw from [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    if (!(n >= 1)) throw new Error(`Rng.int: n must be at least 1, got ${n}.`);
    return Math.floor(this.uniform() * n);
  }

  /** A standard normal draw (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform(); // log(0) is -Infinity
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** `n` standard normal draws. */
  normals(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  /** `n` uniform draws from [0, 1). */
  uniforms(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.uniform();
    return out;
  }

  /** A random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** A seed for TensorFlow.js ops that accept one (`tf.randomNormal(shape, 0, 1, "float32", seed)`). */
  tfSeed(): number {
    return this.nextUint32();
  }

  /**
   * An independent child stream named by `label`. The child depends only on this stream's seed and
   * the label, not on how many numbers were drawn before, so call sites do not disturb each other.
   */
  fork(label: string): Rng {
    let h = 0x811c9dc5 ^ this.seed; // FNV-1a over the label, mixed with the parent seed
    for (let i = 0; i < label.length; i++) {
      h ^= label.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    return new Rng(h >>> 0);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

let notebookRng = new Rng(0);

/**
 * Sets the process-wide default stream. Notebooks call this once at the top, so every helper that
 * takes an optional `rng` (and the learner's own `randn`) repeats exactly on the next run.
 */
export function setSeed(seed: number): Rng {
  notebookRng = new Rng(seed);
  return notebookRng;
}

/** The process-wide default stream (seed 0 until `setSeed` is called). */
export function defaultRng(): Rng {
  return notebookRng;
}

/** Puts back a stream saved with `defaultRng()` (used by checks that must not disturb the notebook). */
export function restoreRng(rng: Rng): void {
  notebookRng = rng;
}
