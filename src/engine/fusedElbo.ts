/**
 * The VAE's whole loss, src/vae/losses.ts `elbo` — reconstruction (squared error or Bernoulli NLL),
 * KL, their reductions and total = recon + β·kl — as one kernel, "VaeLabElbo", with three scalar
 * outputs, and one gradient kernel giving d/d out, d/d mu and d/d logVar at once. On WASM with the
 * native addon active (./native) both are C (AVX2 + FMA where the CPU has it); on WASM without it
 * and on the CPU backend, JavaScript loops (./fusedLoops.ts) — on WASM only where they are faster
 * than WASM's own kernels (JS_BERNOULLI_MAX_PIXELS).
 *
 * Why: written with tensor ops the Gaussian ELBO is ~12 kernels forward and ~25 backward, each with
 * tfjs's dispatch and tape bookkeeping (~15 µs apiece) around [128×2] tensors that take nanoseconds;
 * the Bernoulli one was the native NLL (./nativeLosses.ts) plus ~10 each way.
 *
 * Who gets it: every caller of the library's `elbo` — train() (npm start, experiments, lesson 3),
 * evaluate(), the notebooks' library comparisons. A learner's own loss written with tf ops (lessons 1
 * and 2 ask for one) runs as written: recognising that pattern in tfjs's op stream would be a graph
 * matcher as fragile as the code it guesses at. Lesson 2's training still gets the fused sampling
 * step (./fusedReparameterize.ts) through the library's forward(); lesson 1's uses the learner's own.
 *
 * The gradient recomputes e^(−|l|) rather than having the forward pass save σ(l) − x: a saved
 * factor would be a fourth output, and tfjs hands every output that gets no gradient a zero-filled
 * dy of its size ([rows × cols], allocated and copied each step) — as much work as the AVX2
 * exponential it would save.
 *
 * Same formulas in float32, but sums run in SIMD lanes and the rows add up in double, where tfjs's
 * Mean adds float32s (~2.5e-5 relative error over an MNIST batch against ~5e-8 here): results agree
 * with the core to float32 rounding, not bit for bit (tests: ./fusedElbo.test.ts).
 */
import * as tf from "@tensorflow/tfjs";
import type { ElboOptions, ElboParts } from "../vae/losses";
import { elboGradLoop, elboLoop, nativeRuns, registerOnWasmAndCpu, withFloatViews, type ElboSizes } from "./fusedLoops";
import { nativeFor } from "./native";
import { memoryOffset, type KernelArgs, type TensorInfo as Info, type WasmBackendLike } from "./wasmOps";

export const ELBO_KERNEL = "VaeLabElbo";
/**
 * The largest Bernoulli batch (pixels in all) the JavaScript loops take on WASM without the addon.
 * Math.exp and Math.log1p cost ~35 ns each here, WASM's Exp and Log1p kernels ~10 ns per element:
 * for MNIST's [128×784] the loops took 6.2 ms a step against ~4 ms for the tensor ops (profile.ts
 * --cpu, machine shared); below ~10k pixels the ~40 kernel dispatches they save weigh more.
 */
export const JS_BERNOULLI_MAX_PIXELS = 8192;
const ELBO_GRAD_KERNEL = "VaeLabElboGrad";

interface ElboAttrs {
  likelihood: "gaussian" | "bernoulli";
  reduction: "mean" | "sum";
  beta: number;
}

function sizesOf(inputs: Record<string, Info>, attrs: ElboAttrs): ElboSizes {
  const [rows, cols] = inputs.out.shape;
  return {
    rows,
    cols,
    latent: inputs.mu.shape[1],
    bernoulli: attrs.likelihood === "bernoulli",
    sum: attrs.reduction === "sum",
  };
}

/** The sizes and flags as the native functions take them, after their tensors. */
const nativeSizes = (s: ElboSizes) => [s.rows, s.cols, s.latent, s.bernoulli ? 1 : 0, s.sum ? 1 : 0] as const;

function elboKernel(backendName: string) {
  return ({ inputs, backend, attrs }: KernelArgs): Info[] => {
    const a = attrs as unknown as ElboAttrs;
    const s = sizesOf(inputs, a);
    const { x, out, mu, logVar } = inputs;
    if (nativeRuns(backend, backendName)) {
      const be = backend as WasmBackendLike;
      const parts = [be.makeOutput([], "float32"), be.makeOutput([], "float32"), be.makeOutput([], "float32")];
      const nat = nativeFor(be)!; // after the allocations, which may grow the memory
      const [total, recon, kl] = parts.map((t) => memoryOffset(be, t));
      nat.native.elbo(
        nat.mem,
        memoryOffset(be, x),
        memoryOffset(be, out),
        memoryOffset(be, mu),
        memoryOffset(be, logVar),
        total,
        recon,
        kl,
        ...nativeSizes(s),
        a.beta,
      );
      return parts;
    }
    return withFloatViews(backend, backendName, [x, out, mu, logVar], [[], [], []], (ins, outs) => {
      const parts = elboLoop(ins[0], ins[1], ins[2], ins[3], s, a.beta);
      parts.forEach((v, k) => (outs[k][0] = v));
    });
  };
}

function elboGradKernel(backendName: string) {
  return ({ inputs, backend, attrs }: KernelArgs): Info[] => {
    const a = attrs as unknown as ElboAttrs;
    const s = sizesOf(inputs, a);
    const { x, out, mu, logVar, dTotal, dRecon, dKl } = inputs;
    if (nativeRuns(backend, backendName)) {
      const be = backend as WasmBackendLike;
      const grads = [out.shape, mu.shape, mu.shape].map((shape) => be.makeOutput(shape, "float32"));
      const nat = nativeFor(be)!;
      const [dOut, dMu, dLogVar] = grads.map((t) => memoryOffset(be, t));
      nat.native.elboGrad(
        nat.mem,
        memoryOffset(be, x),
        memoryOffset(be, out),
        memoryOffset(be, mu),
        memoryOffset(be, logVar),
        memoryOffset(be, dTotal),
        memoryOffset(be, dRecon),
        memoryOffset(be, dKl),
        dOut,
        dMu,
        dLogVar,
        ...nativeSizes(s),
        a.beta,
      );
      return grads;
    }
    const ins = [x, out, mu, logVar, dTotal, dRecon, dKl];
    return withFloatViews(backend, backendName, ins, [out.shape, mu.shape, mu.shape], (v, g) => {
      const weights = { dTotal: v[4][0], dRecon: v[5][0], dKl: v[6][0] };
      elboGradLoop(v[0], v[1], v[2], v[3], weights, s, a.beta, { dOut: g[0], dMu: g[1], dLogVar: g[2] });
    });
  };
}

let registered = false;

/** Registers the kernels (wasm, cpu) and the gradient (by installEngine, ./install.ts); idempotent. */
export function registerFusedElbo(): void {
  if (registered) return;
  registered = true;
  registerOnWasmAndCpu([
    [ELBO_KERNEL, elboKernel],
    [ELBO_GRAD_KERNEL, elboGradKernel],
  ]);
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
 * The negative ELBO and its parts as one kernel (src/vae/losses.ts `elbo`, same options); undefined
 * where it cannot run (a backend other than WASM or CPU, non-float32 or non-2-D inputs, mismatched
 * or empty shapes) or would be slower (a large Bernoulli batch on WASM without the addon: see
 * JS_BERNOULLI_MAX_PIXELS), so the caller uses tensor ops.
 */
export function fusedElbo(
  x: tf.Tensor2D,
  out: tf.Tensor2D,
  mu: tf.Tensor2D,
  logVar: tf.Tensor2D,
  options: ElboOptions,
): ElboParts | undefined {
  if (!tf.getKernel(ELBO_KERNEL, tf.getBackend())) return undefined;
  const tensors = [x, out, mu, logVar];
  if (tensors.some((t) => t.dtype !== "float32" || t.rank !== 2 || t.size === 0)) return undefined;
  if (!tf.util.arraysEqual(x.shape, out.shape) || !tf.util.arraysEqual(mu.shape, logVar.shape)) return undefined;
  if (mu.shape[0] !== x.shape[0]) return undefined;
  if (!["gaussian", "bernoulli"].includes(options.likelihood) || !["mean", "sum"].includes(options.reduction))
    return undefined;
  const jsOnWasm = tf.getBackend() === "wasm" && !nativeRuns(tf.backend(), "wasm");
  if (jsOnWasm && options.likelihood === "bernoulli" && x.size > JS_BERNOULLI_MAX_PIXELS) return undefined;
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
