/**
 * The fused Adam kernel "VaeLabAdam" for the WASM and CPU backends, and `fusedAdam`, the fast path of
 * src/vae/optim.ts's `adam`.
 *
 * Inputs w0, g0, m0, v0, w1, g1, … (weights, gradients, first and second moments of each variable);
 * output: the new weights, one tensor per variable. m and v are updated in place: they belong to the
 * optimiser alone. The weights get new buffers, because the WASM backend caches a packed copy of each
 * matmul operand per buffer and would keep using stale weights after an in-place update.
 *
 * The arithmetic is tf.train.adam's, operation for operation in float32 (so results match it):
 *   m ← m·β₁ + g·(1 − β₁);  v ← v·β₂ + g²·(1 − β₂);  w ← w − lr · (m / c₁) / (√(v / c₂) + ε),
 * with c₁ = 1 − β₁ᵗ and c₂ = 1 − β₂ᵗ.
 *
 * On WASM the loop runs in C when the native path is active (./native: every variable in one call,
 * shared between the addon's threads from 64 K weights; compiled without FMA
 * contraction, so it rounds exactly as tf.train.adam: src/vae/optim.test.ts checks bit for bit), else as
 * a WebAssembly SIMD function over the backend's own memory (./fastWasm).
 * Measured on this machine for one step over 1 M parameters: tf.train.adam's ~12 tensor ops ~18 ms,
 * a JavaScript loop over the WASM heap ~10 ms, the SIMD loop ~3 ms (memory-bound: 7 streams of 4 MB).
 * On the CPU backend (a JavaScript loop against tf's ops): ~24 ms instead of ~280 ms.
 */
import * as tf from "@tensorflow/tfjs";
import { fastWasm } from "./fastWasm";
import { nativeFor } from "./native";
import type { Optimizer } from "../vae/optim";
import { memoryOffset, type KernelArgs, type TensorInfo as Info, type WasmBackendLike } from "./wasmOps";

export const ADAM_KERNEL = "VaeLabAdam";

export interface AdamAttrs {
  count: number;
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 − β₁ᵗ and 1 − β₂ᵗ, the bias corrections of step t. */
  c1: number;
  c2: number;
}

/** JavaScript loop, for the CPU backend (and WASM without SIMD). Float32 rounding as the SIMD code. */
function adamLoop(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  out: Float32Array,
  a: AdamAttrs,
): void {
  const f = Math.fround;
  const b1 = f(a.beta1),
    a1 = f(1 - a.beta1),
    b2 = f(a.beta2),
    a2 = f(1 - a.beta2);
  const c1 = f(a.c1),
    c2 = f(a.c2),
    lr = f(a.lr),
    eps = f(a.epsilon);
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const mi = f(f(m[i] * b1) + f(gi * a1));
    const vi = f(f(v[i] * b2) + f(f(gi * gi) * a2));
    m[i] = mi;
    v[i] = vi;
    out[i] = w[i] - f(lr * f(f(mi / c1) / f(f(Math.sqrt(f(vi / c2))) + eps)));
  }
}

/** The kernel's input names of variable i, [w_i, g_i, m_i, v_i]: made once, looked up every step. */
const inputNames: string[][] = [];
function namesOf(i: number): string[] {
  for (let j = inputNames.length; j <= i; j++) inputNames.push(["w", "g", "m", "v"].map((k) => `${k}${j}`));
  return inputNames[i];
}

/** Variable i's [w, g, m, v] among the kernel's inputs. */
function variableInputs(inputs: Record<string, Info>, i: number): Info[] {
  const [w, g, m, v] = namesOf(i);
  return [inputs[w], inputs[g], inputs[m], inputs[v]];
}

function adamKernelWasm({ inputs, backend, attrs }: KernelArgs): Info[] {
  const a = attrs as unknown as AdamAttrs;
  const be = backend as WasmBackendLike;
  const outs: Info[] = [];
  for (let i = 0; i < a.count; i++) outs.push(be.makeOutput(inputs[namesOf(i)[0]].shape, "float32"));
  const at = memoryOffset.bind(null, be);
  // Native (./native, after the allocations above): the same float32 operations in C.
  const nat = nativeFor(be);
  const simd = fastWasm(be)?.adam;
  // The scalars both take after (w, g, m, v, out, n), the same for every variable (./fastWasm.ts).
  const f32 = [a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.c1, a.c2, a.lr, a.epsilon];
  if (nat) {
    // Every variable in one call, shared between cores by the addon: [w, g, m, v, out, n] each.
    const list = new Float64Array(6 * a.count);
    for (let i = 0; i < a.count; i++) {
      const [w, g, m, v] = variableInputs(inputs, i);
      list.set([at(w), at(g), at(m), at(v), at(outs[i]), tf.util.sizeFromShape(w.shape)], 6 * i);
    }
    nat.native.adamAll(nat.mem, list, ...f32);
    return outs;
  }
  for (let i = 0; i < a.count; i++) {
    const [w, g, m, v] = variableInputs(inputs, i);
    const n = tf.util.sizeFromShape(w.shape);
    if (simd) simd(at(w), at(g), at(m), at(v), at(outs[i]), n, ...f32);
    else {
      // Views taken after the allocations above: growing the WASM memory replaces HEAPF32's buffer.
      const view = (info: Info) => be.wasm.HEAPF32.subarray(at(info) >>> 2, (at(info) >>> 2) + n);
      adamLoop(view(w), view(g), view(m), view(v), view(outs[i]), a);
    }
  }
  return outs;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): Info;
}

function adamKernelCpu({ inputs, backend, attrs }: KernelArgs): Info[] {
  const a = attrs as unknown as AdamAttrs;
  const be = backend as CpuBackendLike;
  const values = (info: Info) => be.data.get(info.dataId).values;
  const outs: Info[] = [];
  for (let i = 0; i < a.count; i++) {
    const [w, g, m, v] = variableInputs(inputs, i);
    const out = new Float32Array(tf.util.sizeFromShape(w.shape));
    adamLoop(values(w), values(g), values(m), values(v), out, a);
    outs.push(be.makeTensorInfo(w.shape, "float32", out));
  }
  return outs;
}

/** Registers "VaeLabAdam" for wasm and cpu (by installEngine, ./install.ts; tfjs warns on a repeated registration). */
export function registerAdamKernel(): void {
  const kernels: [string, (args: KernelArgs) => Info[]][] = [
    ["wasm", adamKernelWasm],
    ["cpu", adamKernelCpu],
  ];
  for (const [backendName, kernelFunc] of kernels) {
    if (!tf.getKernel(ADAM_KERNEL, backendName)) {
      tf.registerKernel({ kernelName: ADAM_KERNEL, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
    }
  }
}

/**
 * Why one kernel: tf.train.adam runs ~12 tensor ops per variable, each a full pass over the parameter
 * array and a kernel dispatch. On WASM that was ~half of all kernel calls of a Swiss-roll step (22
 * variables) and ~50 ms of a 1024-wide model's ~250 ms step. Here one kernel call updates every
 * variable in one SIMD pass each, with the same float32 arithmetic as tf.train.adam.
 */
class FusedAdam implements Optimizer {
  private readonly moments = new Map<string, { m: tf.Tensor; v: tf.Tensor }>();
  // β₁ᵗ and β₂ᵗ as tf.train.adam keeps them: float32 products, updated after each step.
  private accBeta1: number;
  private accBeta2: number;

  constructor(
    private readonly lr: number,
    private readonly beta1: number,
    private readonly beta2: number,
    private readonly epsilon: number,
  ) {
    this.accBeta1 = Math.fround(beta1);
    this.accBeta2 = Math.fround(beta2);
  }

  applyGradients(grads: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const list = Array.isArray(grads) ? grads : Object.keys(grads).map((name) => ({ name, tensor: grads[name] }));
    const inputs: Record<string, tf.Tensor> = {};
    const targets: tf.Variable[] = [];
    for (const { name, tensor: g } of list) {
      if (g == null) continue;
      const w = tf.engine().registeredVariables[name];
      if (!w) throw new Error(`adam: no variable named "${name}".`);
      let mv = this.moments.get(name);
      if (!mv) {
        // Fresh buffers of their own (never shared), since the kernel writes them in place.
        const zeros = () => tf.keep(tf.tensor(new Float32Array(w.size), w.shape, "float32"));
        mv = { m: zeros(), v: zeros() };
        this.moments.set(name, mv);
      }
      const [wName, gName, mName, vName] = namesOf(targets.length);
      inputs[wName] = w;
      inputs[gName] = g;
      inputs[mName] = mv.m;
      inputs[vName] = mv.v;
      targets.push(w);
    }
    if (targets.length === 0) return;
    const attrs: AdamAttrs = {
      count: targets.length,
      lr: this.lr,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      c1: Math.fround(1 - this.accBeta1),
      c2: Math.fround(1 - this.accBeta2),
    };
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(this.beta1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(this.beta2));
    tf.tidy(() => {
      const out = tf
        .engine()
        .runKernel(
          ADAM_KERNEL,
          inputs as unknown as tf.NamedTensorMap,
          attrs as unknown as tf.NamedAttrMap,
        ) as tf.Tensor[];
      targets.forEach((w, i) => w.assign(out[i]));
    });
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }
}

/**
 * Adam on the fast path: the fused kernel where the backend has one (WASM, CPU), else tf.train.adam
 * (tfjs-node runs TensorFlow's own fused Adam ops). `epsilon` defaults to the backend's (1e-7).
 */
export function fastAdam(learningRate: number, beta1: number, beta2: number, epsilon: number | undefined): Optimizer {
  if (!tf.getKernel(ADAM_KERNEL, tf.getBackend())) {
    return tf.train.adam(learningRate, beta1, beta2, epsilon) as unknown as Optimizer;
  }
  return new FusedAdam(learningRate, beta1, beta2, epsilon ?? tf.backend().epsilon());
}
