import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterEach, describe, expect, it } from "vitest";
import { swissRollSampler } from "../vae/data/swissRoll";
import { createDense, dense } from "../vae/dense";
import { swissRollVae } from "../vae/presets";
import { createVae, forward } from "../vae/vae";
import { bernoulliNll, elbo } from "../vae/losses";
import { adam } from "../vae/optim";
import { Rng } from "../vae/random";
import { train } from "../vae/train";
import { ADDON_FUNCTIONS, blasThreads, nativeCallCount, nativeFor, nativeStatus, setNativeEnabled } from "./native";
import type { WasmBackendLike } from "./wasmOps";
import { skipWithout } from "../testing/guard";
skipWithout(import.meta.url, "openblas");

// The setup file started WASM; with the addon built (npm install) and OpenBLAS installed (.ci/run),
// the native path is active. Reference: the same computation with the native path switched off,
// i.e. the stock WASM kernels (and our WASM dense/Adam kernels).
afterEach(() => setNativeEnabled(true));

const maxAbs = (t: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]);
const relDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => maxAbs(tf.sub(a, b)) / Math.max(maxAbs(b), 1e-12));

/** Runs `f` natively and on WASM alone; returns both results and whether the native path ran. */
function both<T>(f: () => T): { native: T; wasm: T; nativeRan: boolean; wasmRanNative: boolean } {
  const c0 = nativeCallCount();
  setNativeEnabled(true);
  const native = f();
  const c1 = nativeCallCount();
  setNativeEnabled(false);
  const wasm = f();
  const c2 = nativeCallCount();
  setNativeEnabled(true);
  return { native, wasm, nativeRan: c1 > c0, wasmRanNative: c2 > c1 };
}

const rngTensor = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);

describe("native fast path (OpenBLAS through the addon)", () => {
  it("is active here: the addon is built and OpenBLAS is installed", () => {
    const s = nativeStatus();
    expect(s.active, `native path off: ${s.reason}`).toBe(true);
    expect(s.library).toMatch(/openblas/i);
    expect(s.threads).toBeGreaterThanOrEqual(1);
  });

  const CASES: { name: string; a: number[]; b: number[]; tA?: boolean; tB?: boolean }[] = [
    { name: "[128×256]·[256×256]", a: [128, 256], b: [256, 256] },
    { name: "odd sizes [7×5]·[5×3]", a: [7, 5], b: [5, 3] },
    { name: "transposed A (dW = xᵀ·dy)", a: [128, 33], b: [128, 17], tA: true },
    { name: "transposed B (dx = dy·Wᵀ)", a: [128, 17], b: [33, 17], tB: true },
    { name: "both transposed", a: [9, 6], b: [4, 9], tA: true, tB: true },
    { name: "batched, equal batch", a: [3, 5, 7], b: [3, 7, 2] },
    { name: "batched, B broadcast", a: [3, 5, 7], b: [1, 7, 2] },
    { name: "batched against rank 2", a: [2, 3, 5, 7], b: [7, 4] },
  ];
  for (const c of CASES) {
    it(`tf.matMul matches WASM's own kernel and the CPU backend: ${c.name}`, async () => {
      const a = rngTensor(c.a, 1),
        b = rngTensor(c.b, 2);
      const r = both(() => tf.matMul(a, b, c.tA, c.tB));
      expect(r.nativeRan).toBe(true);
      expect(r.wasmRanNative).toBe(false);
      expect(r.native.shape).toEqual(r.wasm.shape);
      expect(relDiff(r.native, r.wasm)).toBeLessThan(1e-5);
      const [av, bv, nv] = await Promise.all([a.data(), b.data(), r.native.data()]);
      await tf.setBackend("cpu");
      try {
        tf.tidy(() => {
          expect(
            relDiff(tf.tensor(nv, r.native.shape), tf.matMul(tf.tensor(av, c.a), tf.tensor(bv, c.b), c.tA, c.tB)),
          ).toBeLessThan(1e-5);
        });
      } finally {
        await tf.setBackend("wasm");
      }
      tf.dispose([a, b, r.native, r.wasm]);
    });
  }

  it("tf.matMul broadcasts batch dimensions on both sides correctly (stock WASM and CPU kernels do not)", () => {
    // tfjs 4.22: WASM writes only max(batchA, batchB) of the 6 products, CPU pairs batches by modulo.
    const a = rngTensor([2, 1, 5, 7], 1),
      b = rngTensor([1, 3, 7, 4], 2);
    const ours = tf.matMul(a, b);
    const ref = tf.tidy(() =>
      tf.stack(
        [0, 1].map((p) =>
          tf.stack(
            [0, 1, 2].map((q) =>
              tf.matMul(
                tf.slice(a, [p, 0, 0, 0], [1, 1, 5, 7]).reshape([5, 7]),
                tf.slice(b, [0, q, 0, 0], [1, 1, 7, 4]).reshape([7, 4]),
              ),
            ),
          ),
        ),
      ),
    );
    expect(ours.shape).toEqual([2, 3, 5, 4]);
    expect(relDiff(ours, ref)).toBeLessThan(1e-6);
    tf.dispose([a, b, ours, ref]);
  });

  it("tf.fused.matMul with bias and ReLU, and its gradients, match WASM's kernels", () => {
    const x = rngTensor([64, 40], 3),
      w = rngTensor([40, 24], 4),
      bias = rngTensor([24], 5),
      c = rngTensor([64, 24], 6);
    for (const activation of ["relu", "linear"] as const) {
      const f = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
        tf.sum(tf.mul(tf.fused.matMul({ a: xi as tf.Tensor2D, b: wi as tf.Tensor2D, bias: bi, activation }), c));
      const y = both(() => tf.fused.matMul({ a: x, b: w, bias, activation }));
      expect(y.nativeRan).toBe(true);
      expect(relDiff(y.native, y.wasm)).toBeLessThan(1e-5);
      const g = both(() => tf.grads(f)([x, w, bias]));
      for (let k = 0; k < 3; k++) expect(relDiff(g.native[k], g.wasm[k])).toBeLessThan(1e-5);
      tf.dispose([y.native, y.wasm, ...g.native, ...g.wasm]);
    }
    tf.dispose([x, w, bias, c]);
  });

  for (const [batch, inDim, outDim] of [
    [128, 2, 256],
    [128, 256, 256],
    [128, 784, 400],
    [5, 3, 7],
  ]) {
    it(`the dense layer and its gradients match the WASM path and the CPU backend (${inDim}→${outDim}, batch ${batch})`, async () => {
      for (const activation of ["relu", "linear"] as const) {
        const layer = createDense("n", inDim, outDim, activation, new Rng(inDim + outDim));
        const x = rngTensor([batch, inDim], 7) as tf.Tensor2D,
          c = rngTensor([batch, outDim], 8);
        const f = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
          tf.sum(tf.mul(dense(xi as tf.Tensor2D, { ...layer, w: wi as tf.Variable, b: bi as tf.Variable }), c));
        const y = both(() => dense(x, layer));
        const g = both(() => tf.grads(f)([x, layer.w, layer.b]));
        expect(y.nativeRan && g.nativeRan).toBe(true);
        expect(relDiff(y.native, y.wasm)).toBeLessThan(1e-5);
        for (let k = 0; k < 3; k++) expect(relDiff(g.native[k], g.wasm[k])).toBeLessThan(1e-5);
        // And against the pure-JS CPU backend, which shares no code with either.
        const values = await Promise.all([x, layer.w, layer.b, c, y.native, ...g.native].map((t) => t.data()));
        await tf.setBackend("cpu");
        try {
          tf.tidy(() => {
            const [xc, wc, bc, cc] = [x, layer.w, layer.b, c].map((t, i) => tf.tensor(values[i], t.shape));
            const yc = tf.tidy(() => {
              const pre = tf.add(tf.matMul(xc, wc), bc);
              return activation === "relu" ? tf.relu(pre) : pre;
            });
            expect(relDiff(tf.tensor(values[4], yc.shape), yc)).toBeLessThan(1e-5);
            const ref = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => {
              const pre = tf.add(tf.matMul(xi, wi), bi);
              return tf.sum(tf.mul(activation === "relu" ? tf.relu(pre) : pre, cc));
            })([xc, wc, bc]);
            for (let k = 0; k < 3; k++)
              expect(relDiff(tf.tensor(values[5 + k], ref[k].shape), ref[k])).toBeLessThan(1e-5);
          });
        } finally {
          await tf.setBackend("wasm");
        }
        tf.dispose([x, c, y.native, y.wasm, ...g.native, ...g.wasm, layer.w, layer.b]);
      }
    });
  }

  it("the fused Bernoulli NLL and its gradients match the tensor-op formula", () => {
    // Logits from −30 to 30 (saturated pixels included), targets in [0, 1] and exactly 0 or 1.
    const x = tf.tidy(() =>
      tf.concat([
        tf.randomUniform([64, 784], 0, 1, "float32", 11),
        tf.round(tf.randomUniform([64, 784], 0, 1, "float32", 12)),
      ]),
    ) as tf.Tensor2D;
    const l = tf.tidy(() =>
      tf.mul(tf.randomNormal([128, 784], 0, 1, "float32", 13), tf.linspace(0.1, 30, 784)),
    ) as tf.Tensor2D;
    const c = rngTensor([128], 14);
    const f = (xi: tf.Tensor, li: tf.Tensor) => tf.sum(tf.mul(bernoulliNll(xi as tf.Tensor2D, li as tf.Tensor2D), c));
    const y = both(() => bernoulliNll(x, l));
    expect(y.nativeRan).toBe(true);
    expect(y.wasmRanNative).toBe(false);
    expect(relDiff(y.native, y.wasm)).toBeLessThan(1e-5);
    const g = both(() => tf.grads(f)([x, l]));
    for (let k = 0; k < 2; k++) expect(relDiff(g.native[k], g.wasm[k])).toBeLessThan(1e-5);
    // log1p(e^(−|l|)) where 1 + e rounds to 1: the exact value, not 0.
    const tiny = bernoulliNll(tf.tensor2d([[0]]), tf.tensor2d([[-20]]));
    expect(tiny.dataSync()[0]).toBeCloseTo(Math.log1p(Math.exp(-20)), 12);
    tf.dispose([x, l, c, y.native, y.wasm, ...g.native, ...g.wasm, tiny]);
  });

  it("trains the Swiss-roll VAE to the same losses as the WASM path", async () => {
    const run = async (native: boolean) => {
      setNativeEnabled(native);
      const model = createVae(swissRollVae(64), new Rng(1));
      const before = nativeCallCount();
      const r = await train(model, swissRollSampler, {
        steps: 60,
        batchSize: 128,
        learningRate: 1e-3,
        beta: 0.01,
        reduction: "mean",
        seed: 1,
      });
      const ran = nativeCallCount() > before;
      model.variables.forEach((v) => v.dispose());
      setNativeEnabled(true);
      return { losses: r.history.map((h) => h.total), ran };
    };
    const native = await run(true);
    const wasm = await run(false);
    expect(native.ran).toBe(true);
    expect(wasm.ran).toBe(false);
    expect(native.losses).toHaveLength(60);
    // Summation order differs (BLAS vs XNNPACK blocks), so float32 rounding differs slightly.
    native.losses.forEach((l, i) => expect(Math.abs(l - wasm.losses[i]) / Math.abs(wasm.losses[i])).toBeLessThan(1e-3));
    expect(native.losses[59]).toBeLessThan(native.losses[0]);
  });

  it("keeps the number of live tensors constant across training steps", () => {
    const model = createVae(swissRollVae(32), new Rng(2));
    const opt = adam(1e-3);
    const rng = new Rng(3);
    const x = rngTensor([128, 2], 9) as tf.Tensor2D;
    const step = () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const f = forward(model, x, { rng });
          return elbo(x, f.out, f.mu, f.logVar, { likelihood: "gaussian", reduction: "mean", beta: 0.01 }).total;
        }, model.variables);
        opt.applyGradients(grads as tf.NamedTensorMap);
      });
    step();
    step(); // Adam's moments exist from here on
    const before = nativeCallCount();
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      step();
      counts.push(tf.memory().numTensors);
    }
    expect(nativeCallCount()).toBeGreaterThan(before);
    expect(new Set(counts).size).toBe(1);
    opt.dispose();
    x.dispose();
    model.variables.forEach((v) => v.dispose());
  });

  it("rejects offsets outside the WASM memory with an error instead of crashing", () => {
    const nat = nativeFor(tf.backend())!;
    expect(() => nat.native.gemm(nat.mem, 0, 0, 4, 4, 4, nat.mem.byteLength - 8, 0, 0, 0, -1, 0)).toThrow(
      /outside the WASM memory/,
    );
    expect(() => nat.native.denseGradPre(nat.mem, -4, 0, 0, 0, 1, 1, 0)).toThrow(/outside the WASM memory/);
  });
});

describe("sharing work between cores (the addon's thread pool)", () => {
  const addon = () => nativeFor(tf.backend())!.native;
  const offset = (t: tf.Tensor) => (tf.backend() as unknown as WasmBackendLike).dataIdMap.get(t.dataId).memoryOffset;
  afterEach(() => {
    addon().setWorkers(blasThreads());
  });

  // Above the pool's size threshold (~1 M multiply-adds), with sizes that do not split evenly.
  const BIG: { name: string; a: number[]; b: number[]; tA?: boolean; tB?: boolean; fused?: boolean }[] = [
    { name: "columns split, A transposed [300×130]ᵀ·[300×257]", a: [300, 130], b: [300, 257], tA: true },
    { name: "rows split, A transposed (dW = xᵀ·dy) [128×401]ᵀ·[128×130]", a: [128, 401], b: [128, 130], tA: true },
    { name: "rows split [401×130]·[130×200] + bias + ReLU", a: [401, 130], b: [130, 200], fused: true },
    { name: "columns split [130×300]·[300×257] + bias + ReLU", a: [130, 300], b: [300, 257], fused: true },
    { name: "columns split, B transposed [128×300]·[401×300]ᵀ", a: [128, 300], b: [401, 300], tB: true },
    { name: "rows split, both transposed", a: [200, 333], b: [97, 200], tA: true, tB: true },
  ];
  for (const c of BIG) {
    it(`a product on 2 threads equals the product on 1: ${c.name}`, () => {
      const a = rngTensor(c.a, 3),
        b = rngTensor(c.b, 4);
      const n = c.tB ? c.b[0] : c.b[1];
      const bias = rngTensor([n], 5);
      const run = (threads: number) => {
        expect(addon().setWorkers(threads)).toBe(threads);
        return c.fused
          ? tf.fused.matMul({ a, b, transposeA: c.tA, transposeB: c.tB, bias, activation: "relu" })
          : tf.matMul(a, b, c.tA, c.tB);
      };
      const one = run(1),
        two = run(2);
      expect(two.shape).toEqual(one.shape);
      // Each band is its own sgemm, whose blocking may differ from the whole product's.
      expect(relDiff(two, one)).toBeLessThan(1e-6);
      setNativeEnabled(false);
      const wasm = c.fused
        ? tf.fused.matMul({ a, b, transposeA: c.tA, transposeB: c.tB, bias, activation: "relu" })
        : tf.matMul(a, b, c.tA, c.tB);
      setNativeEnabled(true);
      expect(relDiff(two, wasm)).toBeLessThan(1e-5);
      tf.dispose([a, b, bias, one, two, wasm]);
    });
  }

  it("adamAll on 2 threads updates every variable bit for bit as adam does, one variable at a time", () => {
    // 70 000 + 3 + 40 001 weights: the two halves of the job meet inside the first variable.
    const sizes = [70_000, 3, 40_001];
    const f32 = [0.9, 0.1, 0.999, 0.001, 0.1, 0.001, 1e-3, 1e-7];
    const make = () =>
      sizes.map((n, i) => ({
        w: rngTensor([n], 10 + i),
        g: rngTensor([n], 20 + i),
        m: tf.mul(rngTensor([n], 30 + i), 0.1),
        v: tf.abs(rngTensor([n], 40 + i)),
        out: tf.zeros([n]),
      }));
    const one = make(),
      all = make();
    const nat = nativeFor(tf.backend())!;
    for (const [i, t] of one.entries())
      nat.native.adam(nat.mem, offset(t.w), offset(t.g), offset(t.m), offset(t.v), offset(t.out), sizes[i], ...f32);
    addon().setWorkers(2);
    const list = new Float64Array(
      all.flatMap((t, i) => [offset(t.w), offset(t.g), offset(t.m), offset(t.v), offset(t.out), sizes[i]]),
    );
    nat.native.adamAll(nat.mem, list, ...f32);
    for (const [i, t] of all.entries()) {
      for (const k of ["out", "m", "v"] as const)
        expect(
          Buffer.from(t[k].dataSync().buffer).equals(Buffer.from(one[i][k].dataSync().buffer)),
          `${k} of variable ${i}`,
        ).toBe(true);
    }
    tf.dispose([...one, ...all].flatMap((t) => Object.values(t)));
  });

  it("adamAll rejects a malformed list or an offset outside the WASM memory with an error", () => {
    const nat = nativeFor(tf.backend())!;
    const f32 = [0.9, 0.1, 0.999, 0.001, 0.1, 0.001, 1e-3, 1e-7];
    expect(() => nat.native.adamAll(nat.mem, new Float64Array(5), ...f32)).toThrow(
      /Float64Array of \[w, g, m, v, out, n\]/,
    );
    expect(() =>
      nat.native.adamAll(nat.mem, new Float64Array([0, 0, 0, 0, nat.mem.byteLength - 4, 16]), ...f32),
    ).toThrow(/outside the WASM memory/);
  });

  it("uses 2 threads by default on 2 or more cores, 1 on one core, and VAE_LAB_BLAS_THREADS when set", () => {
    expect(blasThreads({}, 2)).toBe(2);
    expect(blasThreads({}, 8)).toBe(2);
    expect(blasThreads({}, 1)).toBe(1);
    expect(blasThreads({ VAE_LAB_BLAS_THREADS: "1" }, 8)).toBe(1);
    expect(blasThreads({ VAE_LAB_BLAS_THREADS: "4" }, 2)).toBe(4);
    expect(blasThreads({ VAE_LAB_BLAS_THREADS: "zero" }, 2)).toBe(2);
  });
});

describe("fallback when the native path is off", () => {
  // A fresh process each: the addon is loaded once per process.
  const child = (env: Record<string, string>) => {
    const script = [
      "const { initBackend } = await import('./src/engine/backend.ts');",
      "const tf = await import('@tensorflow/tfjs');",
      "const { createDense, dense } = await import('./src/vae/dense.ts');",
      "const { Rng } = await import('./src/vae/random.ts');",
      "const c = await initBackend();",
      "const layer = createDense('t', 3, 4, 'relu', new Rng(1));",
      "const g = tf.grads((w) => tf.sum(dense(tf.ones([2, 3]), { ...layer, w })))([layer.w]);",
      "console.log(JSON.stringify({ message: c.message, active: c.native?.active, grad: Array.from(g[0].dataSync()).length }));",
    ].join("\n");
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      env: { ...process.env, VAE_LAB_BACKEND: "", ...env },
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout.trim().split("\n").pop()!) as { message: string; active: boolean; grad: number };
  };

  it("VAE_LAB_NATIVE=0 runs on WASM and the report says why", () => {
    const r = child({ VAE_LAB_NATIVE: "0" });
    expect(r.active).toBe(false);
    expect(r.message).toMatch(/^vae-lab: using wasm \(native BLAS off: off by VAE_LAB_NATIVE=0/);
    expect(r.grad).toBe(12);
  });

  it("a missing addon falls back to WASM with a plain reason", () => {
    const r = child({ VAE_LAB_NATIVE_ADDON: "/nonexistent/vae_lab_native.node" });
    expect(r.active).toBe(false);
    expect(r.message).toMatch(/^vae-lab: using wasm \(native BLAS off: no native addon at \/nonexistent/);
    expect(r.grad).toBe(12);
  });

  it("an addon built from older sources is not used, and the report says how to rebuild it", () => {
    const dir = mkdtempSync(join(tmpdir(), "vae-lab-stale-addon-"));
    const stale = join(dir, "vae_lab_native.js"); // what an addon from before the thread pool exports
    writeFileSync(stale, "for (const f of ['load', 'info', 'setThreads', 'gemm', 'adam']) exports[f] = () => {};\n");
    try {
      const r = child({ VAE_LAB_NATIVE_ADDON: stale });
      expect(r.active).toBe(false);
      expect(r.message).toMatch(
        /native BLAS off: the native addon is older than its sources \(it lacks [^)]*setWorkers/,
      );
      expect(r.message).toMatch(/rebuild it with npm run build:native/);
      expect(r.grad).toBe(12);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("lists every function the built addon exports as one a current addon must have", () => {
    const exported = Object.getOwnPropertyNames(nativeFor(tf.backend())!.native).sort();
    expect([...ADDON_FUNCTIONS].sort()).toEqual(exported);
  });

  it("with the addon present the report says wasm + native BLAS", () => {
    const r = child({});
    expect(r.active).toBe(true);
    expect(r.message).toMatch(/^vae-lab: using wasm \+ native BLAS \(OpenBLAS/);
  });
});
