/**
 * The native fast path: our Node-API addon (native/vae_lab_native.c, built at npm install by
 * scripts/build-native.mjs) calling OpenBLAS's sgemm directly on the WASM backend's memory.
 *
 * Why (measured on this machine, one core, batch 128, ms per product):
 *                       WASM (XNNPACK, 128-bit SIMD)   OpenBLAS sgemm (AVX-512) on the same memory
 *   [128×256]·[256×256]          ~1.1                          0.16
 *   [128×784]·[784×400]          ~4.6                          0.65
 *   [128×1024]·[1024²]           ~28                           3.2
 * 128-bit WASM SIMD tops out near 40 GFLOP/s; OpenBLAS reaches 100–140 GFLOP/s on these shapes.
 * The arithmetic of a step, not the dispatch, was what kept us at 1/4 of PyTorch's speed.
 *
 * What it changes: on the WASM backend, "BatchMatMul" and "_FusedMatMul" (every tf.matMul,
 * tf.fused.matMul and tf.layers.dense in learners' own code, with transposes for free), our dense
 * layer kernel and its gradient (src/engine/fastDense.ts) and the fused Adam (src/engine/fastAdam.ts)
 * run natively. Anything the addon does not cover (broadcast batch dimensions, other activations,
 * non-float32) goes to the stock WASM kernel. Tensors stay in the WASM heap: nothing is copied.
 *
 * When it is off: VAE_LAB_NATIVE=0 (or off/false); the addon was not built (no compiler at install
 * time: `npm run build:native` retries); no OpenBLAS (`apt-get install libopenblas0-pthread`);
 * the threaded WASM build (shared memory). Then the WASM path runs, unchanged. `nativeStatus()`
 * says which, and initBackend's one-line report includes it.
 *
 * Threads: VAE_LAB_BLAS_THREADS (default 2 where the machine has 2 or more cores, else 1). OpenBLAS
 * itself runs one thread; the addon's own pool (native/vae_lab_native.c) splits each product of at
 * least ~1 M multiply-adds, and the Adam update, into one band per thread, claimed dynamically, so
 * a worker the OS has not scheduled simply takes no band. Why not OpenBLAS's threads: with them an
 * MNIST step went only 8.9 → 7.8 ms wall for 11.3 → 15.4 ms CPU, and with the other core busy
 * [128×784]·[784×400] 0.65 → 1.9 ms; its workers keep spinning after each call (THREAD_TIMEOUT),
 * most likely against V8's garbage collector and compiler threads. Measured with the pool, in one
 * process alternating 1 and 2 threads (2-core AMD EPYC, AVX2, shared machine, load 0.6–1.9):
 * [128×784]·[784×400] 1.21 → 0.65 ms; an MNIST L=2 step 8.1 → 6.2 ms and 8.7 → 7.2 ms wall (about
 * +1.5 ms CPU); a Swiss-roll hidden-256 step 4.9 → 4.0 ms in one run, 4.54 → 4.51 ms in another
 * (products of 8 M multiply-adds gain little); with a busy loop on the other core 13.7 → 12.0 ms
 * and 7.8 → 7.3 ms (no worse than one thread).
 * OpenBLAS's core: its own choice, or OPENBLAS_CORETYPE when set; when unset we set it for the
 * load from the CPU's flags (SkylakeX with AVX-512, Haswell with AVX2), because OpenBLAS 0.3.21
 * does not recognise recent CPUs and falls back to SSE3 code ("Prescott", 4× slower here).
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { projectRoot } from "../paths";

export const NATIVE_ENV_VAR = "VAE_LAB_NATIVE";
export const BLAS_THREADS_ENV_VAR = "VAE_LAB_BLAS_THREADS";
/** The addon file to load instead of the built one (tests use a missing path to check the fallback). */
export const ADDON_ENV_VAR = "VAE_LAB_NATIVE_ADDON";

/** The sizes and flags the ELBO functions take after their tensors; bernoulli and sum are 0/1. */
export type ElboSizeArgs = [rows: number, cols: number, latent: number, bernoulli: number, sum: number, beta: number];

/** The addon's functions. Offsets are byte offsets into `mem`, the WASM memory's ArrayBuffer. */
export interface NativeAddon {
  load(libraries: string[]): string;
  info(): { library: string; core: string; config: string; threads: number };
  setThreads(n: number): void;
  /**
   * C[m×n] = act(op(A)·op(B) + beta·C + bias), row-major, contiguous; op(A) [m×k], op(B) [k×n];
   * bias [n] per row (−1: none); relu 0/1.
   */
  gemm(
    mem: ArrayBuffer,
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    a: number,
    b: number,
    beta: number,
    c: number,
    bias: number,
    relu: number,
  ): void;
  /** dPre = relu ? dy·[y > 0] : —; db = Σ_rows dPre (or dy). */
  denseGradPre(
    mem: ArrayBuffer,
    dy: number,
    y: number,
    dPre: number,
    db: number,
    batch: number,
    outDim: number,
    relu: number,
  ): void;
  /** out[r] = Σ_j max(l, 0) − l·x + log1p(e^(−|l|)) over row r of [rows × cols] (src/vae/losses.ts bernoulliNll). */
  bernoulliNll(mem: ArrayBuffer, x: number, logits: number, out: number, rows: number, cols: number): void;
  /** dLogits = (σ(l) − x)·dy[r]. */
  bernoulliNllGrad(
    mem: ArrayBuffer,
    dy: number,
    x: number,
    logits: number,
    dLogits: number,
    rows: number,
    cols: number,
  ): void;
  /**
   * The negative ELBO of src/vae/losses.ts `elbo` (./fusedElbo.ts): x, out [rows × cols], mu,
   * logVar [rows × latent] → the scalars total, recon, kl. bernoulli 0/1 (else Gaussian), sum 0/1
   * (else "mean").
   */
  elbo(
    mem: ArrayBuffer,
    x: number,
    out: number,
    mu: number,
    logVar: number,
    total: number,
    recon: number,
    kl: number,
    ...sizes: ElboSizeArgs
  ): void;
  /** dOut, dMu, dLogVar of elbo's outputs weighted by the scalars dTotal, dRecon, dKl. */
  elboGrad(
    mem: ArrayBuffer,
    x: number,
    out: number,
    mu: number,
    logVar: number,
    dTotal: number,
    dRecon: number,
    dKl: number,
    dOut: number,
    dMu: number,
    dLogVar: number,
    ...sizes: ElboSizeArgs
  ): void;
  /** z = mu + exp(½·logVar)·eps over n floats (./fusedReparameterize.ts). */
  reparameterize(mem: ArrayBuffer, mu: number, logVar: number, eps: number, z: number, n: number): void;
  /** dMu = dz, dLogVar = ½·dz·eps·exp(½·logVar). */
  reparameterizeGrad(
    mem: ArrayBuffer,
    dz: number,
    logVar: number,
    eps: number,
    dMu: number,
    dLogVar: number,
    n: number,
  ): void;
  /** One Adam step, float32 arithmetic of tf.train.adam (see src/engine/fastAdam.ts). */
  adam(mem: ArrayBuffer, w: number, g: number, m: number, v: number, out: number, n: number, ...f32: number[]): void;
  /**
   * NHWC convolutions as im2col + sgemm (./nativeConv.ts). `geometry` is B, H, W, Ci, OH, OW, Co, KH,
   * KW, strideH, strideW, padTop, padLeft; x [B,H,W,Ci], filter [KH,KW,Ci,Co], y [B,OH,OW,Co].
   * conv2d: y = act(conv(x, filter) + bias), bias [Co] (−1: none), relu 0/1.
   */
  conv2d(
    mem: ArrayBuffer,
    x: number,
    filter: number,
    y: number,
    bias: number,
    relu: number,
    ...geometry: number[]
  ): void;
  /** dx = the gradient of conv2d with respect to x, from dy (also conv2dTranspose's forward pass). */
  conv2dBackpropInput(mem: ArrayBuffer, dy: number, filter: number, dx: number, ...geometry: number[]): void;
  /** dW = the gradient of conv2d with respect to its filter. */
  conv2dBackpropFilter(mem: ArrayBuffer, x: number, dy: number, dw: number, ...geometry: number[]): void;
  /** out[j] = Σ_r x[r][j] over a [rows × cols] matrix (a convolution's bias gradient). */
  sumRows(mem: ArrayBuffer, x: number, out: number, rows: number, cols: number): void;
  /** y = act(y + bias) in place over [rows × cols], bias [cols] (−1: none), relu 0/1. */
  biasRelu(mem: ArrayBuffer, y: number, bias: number, rows: number, cols: number, relu: number): void;

  // Sharing work between cores (the addon's pool: big products in gemm, the Adam update).
  /** n threads share each big product and the Adam update: the caller and n − 1 workers. Returns n in effect. */
  setWorkers(n: number): number;
  /**
   * One Adam step over every variable (the arithmetic of `adam`): `list` holds [w, g, m, v, out, n]
   * per variable (byte offsets, element count); the eight scalars as `adam`'s.
   */
  adamAll(mem: ArrayBuffer, list: Float64Array, ...f32: number[]): void;
}

/**
 * Every function of NativeAddon. An addon built from older sources (a `git pull` without
 * `npm install`) lacks some: it is not used, and the status says how to rebuild it.
 */
export const ADDON_FUNCTIONS: readonly (keyof NativeAddon)[] = [
  "load",
  "info",
  "setThreads",
  "gemm",
  "denseGradPre",
  "bernoulliNll",
  "bernoulliNllGrad",
  "elbo",
  "elboGrad",
  "reparameterize",
  "reparameterizeGrad",
  "adam",
  "conv2d",
  "conv2dBackpropInput",
  "conv2dBackpropFilter",
  "sumRows",
  "biasRelu",
  "setWorkers",
  "adamAll",
];

export interface NativeStatus {
  /** Whether the native kernels run (they may still be switched off for a while by setNativeEnabled). */
  active: boolean;
  /** Why not, in a few words, when not active. */
  reason?: string;
  /** The BLAS library, OpenBLAS's core type and thread count, when active. */
  library?: string;
  core?: string;
  threads?: number;
  /** The addon file, when found. */
  addonPath?: string;
}

const ADDON_RELATIVE = join("native", "build", "Release", "vae_lab_native.node");
/** Tried in turn; the first with cblas_sgemm wins. Debian/Ubuntu, Fedora, Homebrew, generic. */
const BLAS_LIBRARIES = [
  "libopenblas.so.0",
  "libopenblasp.so.0",
  "libopenblas.so",
  "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
  "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
  "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
  "/usr/local/opt/openblas/lib/libopenblas.dylib",
];

/** Where the addon may be: the package holding this module (CJS build), the project, the cwd. */
function addonCandidates(): string[] {
  const roots: (string | undefined)[] = [];
  // Compiled to CommonJS (dist/src/engine/native.js, what notebooks load): the package two or three levels up.
  if (typeof __dirname === "string") roots.push(projectRoot(__dirname));
  roots.push(projectRoot(), process.argv[1] ? projectRoot(dirname(process.argv[1])) : undefined);
  return [...new Set(roots.filter((r): r is string => !!r))].map((r) => join(r, ADDON_RELATIVE));
}

/** OpenBLAS's core for this CPU when the user did not choose one (see the file comment). */
export function preferredCoreType(cpuinfo: string): string | undefined {
  const flags = new Set((/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1] ?? "").trim().split(/\s+/));
  if (["avx512f", "avx512bw", "avx512dq", "avx512vl"].every((f) => flags.has(f))) return "SkylakeX";
  if (flags.has("avx2") && flags.has("fma")) return "Haswell";
  return undefined;
}

/** Reads VAE_LAB_NATIVE: false for 0/off/false/no, true otherwise. */
export function nativeRequested(env: Record<string, string | undefined> = process.env): boolean {
  const v = (env[NATIVE_ENV_VAR] ?? "").trim().toLowerCase();
  return !["0", "off", "false", "no"].includes(v);
}

let addon: NativeAddon | null = null;
let status: NativeStatus | null = null;
let enabled = true;
let calls = 0;

/**
 * Loads the addon and OpenBLAS once per process; never throws. The status says whether the native
 * path is active and, if not, why. `env` is for tests.
 */
export function loadNativeAddon(env: Record<string, string | undefined> = process.env): NativeStatus {
  if (status) return status;
  status = tryLoad(env);
  return status;
}

function tryLoad(env: Record<string, string | undefined>): NativeStatus {
  if (!nativeRequested(env)) return { active: false, reason: `off by ${NATIVE_ENV_VAR}=${env[NATIVE_ENV_VAR]}` };
  const explicit = env[ADDON_ENV_VAR];
  const addonPath = explicit
    ? existsSync(explicit)
      ? explicit
      : undefined
    : addonCandidates().find((p) => existsSync(p));
  if (!addonPath)
    return {
      active: false,
      reason: explicit ? `no native addon at ${explicit}` : "native addon not built (npm run build:native)",
    };
  let mod: NativeAddon;
  try {
    const req = createRequire(join(dirname(addonPath), "package.json"));
    mod = req(addonPath) as NativeAddon;
  } catch (err) {
    return {
      active: false,
      reason: `native addon failed to load (${firstLine(err)}); rebuild with npm run build:native`,
      addonPath,
    };
  }
  const missing = ADDON_FUNCTIONS.filter((f) => typeof (mod as unknown as Record<string, unknown>)[f] !== "function");
  if (missing.length > 0)
    return {
      active: false,
      reason: `the native addon is older than its sources (it lacks ${missing.join(", ")}); rebuild it with npm run build:native`,
      addonPath,
    };
  let setCore: string | undefined;
  if (
    process.platform === "linux" &&
    env.OPENBLAS_CORETYPE === undefined &&
    process.env.OPENBLAS_CORETYPE === undefined
  ) {
    try {
      setCore = preferredCoreType(readFileSync("/proc/cpuinfo", "utf8"));
    } catch {
      // no /proc: OpenBLAS detects the core itself
    }
  }
  if (setCore) process.env.OPENBLAS_CORETYPE = setCore; // read by OpenBLAS while it loads, then restored
  try {
    mod.load(BLAS_LIBRARIES);
  } catch (err) {
    return {
      active: false,
      reason: `no OpenBLAS (${firstLine(err)}); apt-get install libopenblas0-pthread`,
      addonPath,
    };
  } finally {
    if (setCore) delete process.env.OPENBLAS_CORETYPE;
  }
  // OpenBLAS stays at one thread; our pool shares the big products (see the file comment).
  mod.setThreads(1);
  const threads = mod.setWorkers(blasThreads(env));
  const info = mod.info();
  addon = mod;
  return {
    active: true,
    library: info.library,
    core: info.core || undefined,
    threads,
    addonPath,
  };
}

/** VAE_LAB_BLAS_THREADS, or the default: 2 with 2 or more cores (see the file comment), else 1. */
export function blasThreads(
  env: Record<string, string | undefined> = process.env,
  cores: number = availableParallelism(),
): number {
  const fallback = Math.min(2, Math.max(1, cores));
  return Math.max(1, Math.floor(Number(env[BLAS_THREADS_ENV_VAR] ?? fallback)) || fallback);
}

function firstLine(err: unknown): string {
  const s = String((err as Error)?.message ?? err)
    .split("\n")[0]
    .trim();
  return s.length > 140 ? s.slice(0, 137) + "..." : s;
}

/** The status of the last load (loads if needed). */
export function nativeStatus(): NativeStatus {
  return loadNativeAddon();
}

/** What runs, for an active path: "OpenBLAS SkylakeX, 1 thread". */
export function nativeSummary(s: NativeStatus): string {
  const lib = /openblas/i.test(s.library ?? "") ? "OpenBLAS" : s.library;
  return `${lib}${s.core ? ` ${s.core}` : ""}, ${s.threads} thread${s.threads === 1 ? "" : "s"}`;
}

/** One plain phrase for the backend report: "native BLAS (OpenBLAS SkylakeX, 1 thread)" or why not. */
export function describeNative(s: NativeStatus = nativeStatus()): string {
  return s.active ? `native BLAS (${nativeSummary(s)})` : `native BLAS off: ${s.reason}`;
}

/**
 * Switches the native kernels off (false) or back on (true) at run time, e.g. to compare them with
 * the WASM kernels in one process. Has no effect when the addon is not active.
 */
export function setNativeEnabled(on: boolean): void {
  enabled = on;
}

interface WasmMemoryHolder {
  wasm: { asm?: { memory?: WebAssembly.Memory }; HEAPF32?: Float32Array };
}

/**
 * The addon and the backend's memory buffer when the native path can run on `backend` now, else
 * null. Take it after allocating outputs: allocation may grow (and replace) the buffer.
 */
export function nativeFor(backend: unknown): { native: NativeAddon; mem: ArrayBuffer } | null {
  if (!addon || !enabled) return null;
  const w = (backend as Partial<WasmMemoryHolder>).wasm;
  const buffer = w?.asm?.memory?.buffer ?? w?.HEAPF32?.buffer;
  // The threaded WASM build uses shared memory, which Node-API cannot hand to C as an ArrayBuffer.
  if (!(buffer instanceof ArrayBuffer)) return null;
  calls++;
  return { native: addon, mem: buffer };
}

/** How many times a kernel took the native path so far (tests check that it really ran). */
export function nativeCallCount(): number {
  return calls;
}
