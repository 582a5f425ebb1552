/**
 * The VAE's loss as native kernels on the WASM backend while the native path (./native) is active:
 *
 * - "VaeLabElbo": the whole negative ELBO of src/vae/losses.ts `elbo` — reconstruction (squared
 *   error or Bernoulli NLL), KL, their reductions and total = recon + β·kl — as one kernel with
 *   three scalar outputs, and one gradient kernel giving d/d out, d/d mu and d/d logVar at once.
 *   Written with tensor ops the Gaussian ELBO was ~12 kernels forward and ~25 backward (each with
 *   tfjs's dispatch and tape bookkeeping, ~15 µs apiece, on [128×2] tensors that take nanoseconds),
 *   the Bernoulli one the NLL kernel below plus ~10 each way.
 * - "VaeLabBernoulliNll": the Bernoulli NLL's row sums alone (src/vae/losses.ts `bernoulliNll`), for
 *   code that calls it directly; one kernel each way. PyTorch's binary_cross_entropy_with_logits is
 *   one fused kernel each way too.
 *
 * The gradient recomputes e^(−|l|) rather than having the forward pass save σ(l) − x: a saved
 * factor would have to be a fourth output, and tfjs hands every output that gets no gradient a
 * zero-filled dy of its size ([rows × cols], allocated and copied each step) — as much work as the
 * AVX2 exponential it would save.
 *
 * Same formulas, float32; row sums run in SIMD lanes and the rows add up in double (tfjs sums in
 * another order), so results agree to float32 rounding, not bit for bit (tests: ./native.test.ts,
 * ./nativeLosses.test.ts).
 */
import * as tf from "@tensorflow/tfjs";
import type { ElboOptions, ElboParts } from "../vae/losses";
import { nativeFor } from "./native";
import { type KernelArgs, type TensorInfo as Info, type WasmBackendLike } from "./wasmOps";

export const BERNOULLI_NLL_KERNEL = "VaeLabBernoulliNll";
const BERNOULLI_NLL_GRAD_KERNEL = "VaeLabBernoulliNllGrad";
export const ELBO_KERNEL = "VaeLabElbo";
const ELBO_GRAD_KERNEL = "VaeLabElboGrad";

interface ElboAttrs {
  likelihood: "gaussian" | "bernoulli";
  reduction: "mean" | "sum";
  beta: number;
}

function forwardKernel({ inputs, backend }: KernelArgs): Info {
  const { x, logits } = inputs;
  const [rows, cols] = logits.shape;
  const be = backend as WasmBackendLike;
  const out = be.makeOutput([rows], "float32");
  const nat = nativeFor(be);
  if (!nat) throw new Error(`${BERNOULLI_NLL_KERNEL} runs only while the native path is active.`);
  const at = (info: Info) => be.dataIdMap.get(info.dataId).memoryOffset;
  nat.native.bernoulliNll(nat.mem, at(x), at(logits), at(out), rows, cols);
  return out;
}

function gradKernel({ inputs, backend }: KernelArgs): Info {
  const { dy, x, logits } = inputs;
  const [rows, cols] = logits.shape;
  const be = backend as WasmBackendLike;
  const out = be.makeOutput([rows, cols], "float32");
  const nat = nativeFor(be);
  if (!nat) throw new Error(`${BERNOULLI_NLL_GRAD_KERNEL} runs only while the native path is active.`);
  const at = (info: Info) => be.dataIdMap.get(info.dataId).memoryOffset;
  nat.native.bernoulliNllGrad(nat.mem, at(dy), at(x), at(logits), at(out), rows, cols);
  return out;
}

/** The sizes and flags both ELBO kernels pass after their tensors. */
function elboSizes(inputs: Record<string, Info>, attrs: ElboAttrs): [number, number, number, number, number] {
  const [rows, cols] = inputs.out.shape;
  return [rows, cols, inputs.mu.shape[1], attrs.likelihood === "bernoulli" ? 1 : 0, attrs.reduction === "sum" ? 1 : 0];
}

function elboKernel({ inputs, backend, attrs }: KernelArgs): Info[] {
  const a = attrs as unknown as ElboAttrs;
  const be = backend as WasmBackendLike;
  const parts = [be.makeOutput([], "float32"), be.makeOutput([], "float32"), be.makeOutput([], "float32")];
  const nat = nativeFor(be);
  if (!nat) throw new Error(`${ELBO_KERNEL} runs only while the native path is active.`);
  const at = (info: Info) => be.dataIdMap.get(info.dataId).memoryOffset;
  const { x, out, mu, logVar } = inputs;
  const [total, recon, kl] = parts.map(at);
  nat.native.elbo(nat.mem, at(x), at(out), at(mu), at(logVar), total, recon, kl, ...elboSizes(inputs, a), a.beta);
  return parts;
}

function elboGradKernel({ inputs, backend, attrs }: KernelArgs): Info[] {
  const a = attrs as unknown as ElboAttrs;
  const be = backend as WasmBackendLike;
  const { x, out, mu, logVar, dTotal, dRecon, dKl } = inputs;
  const grads = [
    be.makeOutput(out.shape, "float32"),
    be.makeOutput(mu.shape, "float32"),
    be.makeOutput(mu.shape, "float32"),
  ];
  const nat = nativeFor(be);
  if (!nat) throw new Error(`${ELBO_GRAD_KERNEL} runs only while the native path is active.`);
  const at = (info: Info) => be.dataIdMap.get(info.dataId).memoryOffset;
  const [dOut, dMu, dLogVar] = grads.map(at);
  nat.native.elboGrad(
    nat.mem,
    at(x),
    at(out),
    at(mu),
    at(logVar),
    at(dTotal),
    at(dRecon),
    at(dKl),
    dOut,
    dMu,
    dLogVar,
    ...elboSizes(inputs, a),
    a.beta,
  );
  return grads;
}

let registered = false;

/** Registers the kernels and the gradient for wasm (by installEngine, ./install.ts); idempotent. */
export function registerNativeLosses(): void {
  if (registered) return;
  registered = true;
  for (const [kernelName, kernelFunc] of [
    [BERNOULLI_NLL_KERNEL, forwardKernel],
    [BERNOULLI_NLL_GRAD_KERNEL, gradKernel],
    [ELBO_KERNEL, elboKernel],
    [ELBO_GRAD_KERNEL, elboGradKernel],
  ] as const) {
    if (!tf.getKernel(kernelName, "wasm"))
      tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  tf.registerGradient({
    kernelName: BERNOULLI_NLL_KERNEL,
    inputsToSave: ["x", "logits"],
    gradFunc: (dy, saved) => {
      const [x, logits] = saved as tf.Tensor2D[];
      const g = dy as tf.Tensor1D; // [rows]
      return {
        logits: () =>
          tf
            .engine()
            .runKernel(BERNOULLI_NLL_GRAD_KERNEL, { dy: g, x, logits } as unknown as tf.NamedTensorMap) as tf.Tensor2D,
        // ∂/∂x = −l per pixel (only when x itself is trained, e.g. an input-optimisation exercise).
        x: () => tf.mul(tf.neg(logits), tf.expandDims(g, 1)),
      };
    },
  });
  tf.registerGradient({
    kernelName: ELBO_KERNEL,
    inputsToSave: ["x", "out", "mu", "logVar"],
    gradFunc: (dys, saved, attrs) => {
      const [x, out, mu, logVar] = saved as tf.Tensor2D[];
      const [dTotal, dRecon, dKl] = dys as tf.Scalar[];
      // One kernel for the three gradients the model needs (run here, not in the closures: the
      // tape frees what each closure creates but does not return).
      const [dOut, dMu, dLogVar] = tf
        .engine()
        .runKernel(
          ELBO_GRAD_KERNEL,
          { x, out, mu, logVar, dTotal, dRecon, dKl } as unknown as tf.NamedTensorMap,
          attrs as unknown as tf.NamedAttrMap,
        ) as tf.Tensor2D[];
      const a = attrs as unknown as ElboAttrs;
      return {
        out: () => dOut,
        mu: () => dMu,
        logVar: () => dLogVar,
        // ∂/∂x, only when x itself is trained: −∂/∂xHat for squared error; −l per pixel, scaled, for Bernoulli.
        x: () =>
          a.likelihood === "gaussian"
            ? tf.neg(dOut)
            : tf.mul(out, tf.div(tf.neg(tf.add(dTotal, dRecon)), a.reduction === "sum" ? x.shape[0] : x.size)),
      };
    },
  });
}

/**
 * Σ over each row of the stable Bernoulli NLL, natively; undefined when the native path cannot run
 * it (another backend, the path off, non-float32 or non-2-D inputs), so the caller uses tensor ops.
 */
export function nativeBernoulliNll(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D | undefined {
  if (tf.getBackend() !== "wasm" || !nativeFor(tf.backend()) || !tf.getKernel(BERNOULLI_NLL_KERNEL, "wasm"))
    return undefined;
  if (
    x.dtype !== "float32" ||
    logits.dtype !== "float32" ||
    x.rank !== 2 ||
    !tf.util.arraysEqual(x.shape, logits.shape)
  )
    return undefined;
  return tf.engine().runKernel(BERNOULLI_NLL_KERNEL, { x, logits } as unknown as tf.NamedTensorMap) as tf.Tensor1D;
}

/**
 * The negative ELBO and its parts as one native kernel (src/vae/losses.ts `elbo`, same options);
 * undefined where the native path cannot run it (another backend, the path off, non-float32 or
 * non-2-D inputs, mismatched or empty shapes), so the caller uses tensor ops.
 */
export function nativeElbo(
  x: tf.Tensor2D,
  out: tf.Tensor2D,
  mu: tf.Tensor2D,
  logVar: tf.Tensor2D,
  options: ElboOptions,
): ElboParts | undefined {
  if (tf.getBackend() !== "wasm" || !nativeFor(tf.backend()) || !tf.getKernel(ELBO_KERNEL, "wasm")) return undefined;
  const tensors = [x, out, mu, logVar];
  if (tensors.some((t) => t.dtype !== "float32" || t.rank !== 2 || t.size === 0)) return undefined;
  if (!tf.util.arraysEqual(x.shape, out.shape) || !tf.util.arraysEqual(mu.shape, logVar.shape)) return undefined;
  if (mu.shape[0] !== x.shape[0]) return undefined;
  if (!["gaussian", "bernoulli"].includes(options.likelihood) || !["mean", "sum"].includes(options.reduction))
    return undefined;
  const attrs: ElboAttrs = { likelihood: options.likelihood, reduction: options.reduction, beta: options.beta ?? 1 };
  const [total, recon, kl] = tf
    .engine()
    .runKernel(
      ELBO_KERNEL,
      { x, out, mu, logVar } as unknown as tf.NamedTensorMap,
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Scalar[];
  return { total, recon, kl };
}
