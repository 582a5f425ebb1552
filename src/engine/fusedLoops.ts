/**
 * The fused ELBO and reparameterisation (./fusedElbo.ts, ./fusedReparameterize.ts) as plain
 * JavaScript loops over float32 arrays, and the one helper that hands a kernel its tensors as such
 * arrays on the WASM heap or in the CPU backend's storage. Where the native addon (./native) does
 * not run — WASM without it, the CPU backend — these loops replace the same dozens of small tensor
 * ops as the native kernels do; on the native path they are not used.
 *
 * The formulas are src/vae/losses.ts `elbo` and src/vae/reparameterize.ts; sums run in double, every
 * stored value is float32. reparameterize rounds as the tensor ops do (float32 product, then float32
 * sum), so z differs from the core only where Math.exp and the backend's expf round e^x differently.
 */
import * as tf from "@tensorflow/tfjs";
import { nativeFor } from "./native";
import type { KernelArgs, TensorInfo as Info, WasmBackendLike } from "./wasmOps";

/** Sizes and flags of an ELBO call: x, out [rows × cols]; mu, logVar [rows × latent]. */
export interface ElboSizes {
  rows: number;
  cols: number;
  latent: number;
  bernoulli: boolean;
  /** Reduction "sum" (else "mean"). */
  sum: boolean;
}

const f32 = Math.fround;

/** What recon's and kl's sums are divided by: rows for "sum", every element for "mean". */
export function elboCounts(s: ElboSizes): { recon: number; kl: number } {
  return s.sum ? { recon: s.rows, kl: s.rows } : { recon: s.rows * s.cols, kl: s.rows * s.latent };
}

/** [total, recon, kl] of the negative ELBO. */
export function elboLoop(
  x: Float32Array,
  out: Float32Array,
  mu: Float32Array,
  logVar: Float32Array,
  s: ElboSizes,
  beta: number,
): [number, number, number] {
  let rs = 0;
  if (s.bernoulli) {
    for (let i = 0; i < out.length; i++) {
      const l = out[i];
      rs += Math.max(l, 0) - l * x[i] + Math.log1p(Math.exp(-Math.abs(l)));
    }
  } else {
    for (let i = 0; i < out.length; i++) {
      const d = x[i] - out[i];
      rs += d * d;
    }
  }
  let ks = 0;
  for (let i = 0; i < mu.length; i++) ks += 0.5 * (mu[i] * mu[i] + Math.exp(logVar[i]) - logVar[i] - 1);
  const n = elboCounts(s);
  const recon = f32(rs / n.recon),
    kl = f32(ks / n.kl);
  return [f32(recon + f32(beta * kl)), recon, kl];
}

/** dOut, dMu, dLogVar of elbo's outputs weighted by dTotal, dRecon, dKl (as the native elboGrad). */
export function elboGradLoop(
  x: Float32Array,
  out: Float32Array,
  mu: Float32Array,
  logVar: Float32Array,
  weights: { dTotal: number; dRecon: number; dKl: number },
  s: ElboSizes,
  beta: number,
  grads: { dOut: Float32Array; dMu: Float32Array; dLogVar: Float32Array },
): void {
  const n = elboCounts(s);
  const gRecon = f32((weights.dTotal + weights.dRecon) / n.recon);
  const gKl = f32((beta * weights.dTotal + weights.dKl) / n.kl);
  const { dOut, dMu, dLogVar } = grads;
  if (s.bernoulli) {
    for (let i = 0; i < out.length; i++) {
      const l = out[i];
      const e = Math.exp(-Math.abs(l));
      const r = 1 / (1 + e);
      dOut[i] = ((l >= 0 ? r : e * r) - x[i]) * gRecon; // (σ(l) − x)·g, stable for either sign
    }
  } else {
    for (let i = 0; i < out.length; i++) dOut[i] = (out[i] - x[i]) * 2 * gRecon;
  }
  for (let i = 0; i < mu.length; i++) {
    dMu[i] = mu[i] * gKl;
    dLogVar[i] = 0.5 * (Math.exp(logVar[i]) - 1) * gKl;
  }
}

/** z = mu + exp(½·logVar)·eps, rounded as float32 tensor ops round. */
export function reparameterizeLoop(mu: Float32Array, logVar: Float32Array, eps: Float32Array, z: Float32Array): void {
  for (let i = 0; i < z.length; i++) z[i] = mu[i] + f32(f32(Math.exp(f32(0.5 * logVar[i]))) * eps[i]);
}

/** dMu = dz, dLogVar = ((dz·eps)·sigma)·½ in tfjs's gradient order. */
export function reparameterizeGradLoop(
  dz: Float32Array,
  logVar: Float32Array,
  eps: Float32Array,
  dMu: Float32Array,
  dLogVar: Float32Array,
): void {
  for (let i = 0; i < dz.length; i++) {
    dMu[i] = dz[i];
    dLogVar[i] = f32(f32(dz[i] * eps[i]) * f32(Math.exp(f32(0.5 * logVar[i])))) * 0.5;
  }
}

interface CpuBackendLike {
  data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: "float32", values: Float32Array): Info;
}

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Runs `body` on float32 views of `inputs` and of new outputs shaped `outShapes`, on the WASM heap
 * (`backendName` "wasm") or the CPU backend's arrays ("cpu"); returns the outputs.
 */
export function withFloatViews(
  backend: unknown,
  backendName: string,
  inputs: Info[],
  outShapes: number[][],
  body: (ins: Float32Array[], outs: Float32Array[]) => void,
): Info[] {
  if (backendName === "wasm") {
    const be = backend as WasmBackendLike;
    const outs = outShapes.map((shape) => be.makeOutput(shape, "float32"));
    const heap = be.wasm.HEAPF32; // after the allocations, which may grow (and replace) the heap
    const view = (t: Info) => {
      const at = be.dataIdMap.get(t.dataId).memoryOffset / 4;
      return heap.subarray(at, at + sizeOf(t.shape));
    };
    body(inputs.map(view), outs.map(view));
    return outs;
  }
  const be = backend as CpuBackendLike;
  const ins = inputs.map((t) => be.data.get(t.dataId).values as Float32Array);
  const outs = outShapes.map((shape) => new Float32Array(sizeOf(shape)));
  body(ins, outs);
  return outs.map((values, k) => be.makeTensorInfo(outShapes[k], "float32", values));
}

/** The backends the fused kernels run on: native or loops on WASM, loops on CPU. */
const BACKENDS = ["wasm", "cpu"];

/** Registers each kernel, made for its backend by `make`, on WASM and CPU (where not yet registered). */
export function registerOnWasmAndCpu(
  kernels: [string, (backendName: string) => (args: KernelArgs) => Info | Info[]][],
): void {
  for (const backendName of BACKENDS)
    for (const [kernelName, make] of kernels) {
      if (!tf.getKernel(kernelName, backendName))
        tf.registerKernel({ kernelName, backendName, kernelFunc: make(backendName) as unknown as tf.KernelFunc });
    }
}

/**
 * Whether the fused kernels run natively on `backend` now: WASM with the addon active. An addon
 * built from older sources is never active (src/engine/native.ts ADDON_FUNCTIONS), so every
 * function the kernels call is there.
 */
export function nativeRuns(backend: unknown, backendName: string): boolean {
  return backendName === "wasm" && nativeFor(backend) !== null;
}
