import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { classCentroids, encodeDataset } from "../vae/latent";
import { convMnistVae, mnistVae } from "../vae/presets";
import type { Vae } from "../vae/types";
import { createVae } from "../vae/vae";
import { Rng } from "../vae/random";
import { exportDecoder, navigatorClientSource, navigatorData, navigatorHtml } from "./index";
import { toFloat16 } from "./navigatorData";

interface Core {
  unpackDecoder(d: unknown): unknown;
  decode(u: unknown, z: number[]): Float32Array;
  slerp(a: number[], b: number[], t: number): number[];
  path(a: number[], b: number[], steps: number, kind: string): number[][];
}
const core = new Function(`${navigatorClientSource()}\nreturn vaeLabNavigatorCore;`)() as Core;

/** The pixel means TensorFlow.js computes for z: sigmoid of the decoder's logits. */
function tfDecode(model: Vae, z: number[][]): Float32Array[] {
  const out = tf.tidy(() => tf.sigmoid(model.decode(tf.tensor2d(z))));
  const values = out.dataSync() as Float32Array;
  out.dispose();
  const d = values.length / z.length;
  return z.map((_, i) => values.slice(i * d, (i + 1) * d));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const zs = [
  [0, 0],
  [1.5, -2],
  [-3, 3],
  [0.25, 0.7],
];

describe("the navigator's in-browser decoder", () => {
  it("with float16 weights: half the bytes, the same images to within 2e-3, halves read back exactly", () => {
    const model = createVae(mnistVae(2, 400), new Rng(3));
    const full = exportDecoder(model),
      half = exportDecoder(model, "float16");
    const bytes = (d: typeof full) => d.layers.reduce((n, l) => n + l.w.length + l.b.length, 0);
    expect(bytes(half) / bytes(full)).toBeCloseTo(0.5, 2);
    const expected = tfDecode(model, zs);
    const unpacked = core.unpackDecoder(half);
    zs.forEach((z, i) => expect(maxAbsDiff(core.decode(unpacked, z), expected[i]!)).toBeLessThan(2e-3));
    const exact = [0, 1, -2, 0.5, 65504, 2 ** -24, -(2 ** -14), 1 + 2 ** -10];
    const back = new Float32Array(new Uint16Array(toFloat16(Float32Array.from(exact))).length);
    const packed = toFloat16(Float32Array.from(exact));
    const decoded = core.unpackDecoder({
      output: "clip",
      layers: [
        {
          kind: "dense",
          name: "t",
          inDim: 1,
          outDim: exact.length,
          activation: "linear",
          dtype: "float16",
          w: Buffer.from(packed.buffer).toString("base64"),
          b: Buffer.from(packed.buffer).toString("base64"),
        },
      ],
    }) as unknown as { layers: { w: Float32Array }[] };
    back.set(decoded.layers[0].w);
    expect(Array.from(back)).toEqual(exact);
    model.dispose();
  });

  it("decodes an MLP VAE's z exactly as TensorFlow.js does (784 → 400 → 2 → 400 → 784)", () => {
    const model = createVae(mnistVae(2, 400), new Rng(3));
    const unpacked = core.unpackDecoder(exportDecoder(model));
    const expected = tfDecode(model, zs);
    zs.forEach((z, i) => expect(maxAbsDiff(core.decode(unpacked, z), expected[i]!)).toBeLessThan(1e-5));
    model.dispose();
  });

  it("decodes a convolutional VAE's z (dense, dense, two transposed convolutions) as TensorFlow.js does", () => {
    const model = createVae({ ...convMnistVae(2), channels: [4, 8], denseUnits: 16 }, new Rng(4));
    const exported = exportDecoder(model);
    expect(exported.layers.map((l) => l.kind)).toEqual(["dense", "dense", "deconv", "deconv"]);
    const unpacked = core.unpackDecoder(exported);
    const expected = tfDecode(model, zs);
    zs.forEach((z, i) => expect(maxAbsDiff(core.decode(unpacked, z), expected[i]!)).toBeLessThan(1e-5));
    model.dispose();
  });

  it("clips a Gaussian decoder's mean to [0, 1] instead of applying a sigmoid", () => {
    const model = createVae({ ...mnistVae(2, 8), likelihood: "gaussian" }, new Rng(5));
    const exported = exportDecoder(model);
    expect(exported.output).toBe("clip");
    const raw = tf.tidy(() => model.decode(tf.tensor2d([[2, -1]])).dataSync() as Float32Array);
    const got = core.decode(core.unpackDecoder(exported), [2, -1]);
    raw.forEach((v, i) => expect(got[i]).toBeCloseTo(Math.min(1, Math.max(0, v)), 5));
    model.dispose();
  });

  it("interpolates like the library: endpoints exact, spherical paths keep the norm between equal-norm ends", () => {
    const lin = core.path([0, 2], [2, 0], 5, "linear");
    const sph = core.path([0, 2], [2, 0], 5, "spherical");
    expect(lin[0]).toEqual([0, 2]);
    expect(lin[4]).toEqual([2, 0]);
    expect(Math.hypot(...lin[2]!)).toBeCloseTo(Math.SQRT2, 6);
    for (const z of sph) expect(Math.hypot(...z)).toBeCloseTo(2, 6);
    expect(core.slerp([1, 0], [-1, 0], 0.5)).toEqual([0, 0]); // opposite: falls back to linear
  });
});

describe("navigatorData", () => {
  const model = createVae(mnistVae(2, 16), new Rng(6));
  const n = 60;
  const rng = new Rng(7);
  const x = Float32Array.from({ length: n * 784 }, () => rng.uniform());
  const labels = Array.from({ length: n }, (_, i) => i % 3);

  it("packs centroids of the held-out codes, a strided sample of points, and the image size", () => {
    const data = navigatorData(model, x, labels, { maxPoints: 25 });
    const mu = encodeDataset(model, x, n, 784);
    const centroids = classCentroids(mu, labels, 2, 3);
    expect(data.classNames).toEqual(["0", "1", "2"]);
    expect(data.imageSize).toBe(28);
    data.centroids.forEach((c, k) => {
      expect(c[0]).toBeCloseTo(centroids[2 * k]!, 2);
      expect(c[1]).toBeCloseTo(centroids[2 * k + 1]!, 2);
    });
    expect(data.points!.z.length).toBeLessThanOrEqual(25);
    expect(data.points!.z.length).toBe(data.points!.labels.length);
    expect(new Set(data.points!.labels)).toEqual(new Set([0, 1, 2]));
  });

  it("names what is wrong with mismatched inputs", () => {
    expect(() => navigatorData(model, x.subarray(0, 100), labels)).toThrow(
      /60 labels need 60 × 784 pixel values, got 100/,
    );
    expect(() => navigatorData(model, new Float32Array(0), [])).toThrow(/no held-out images/);
  });
});

describe("navigatorHtml", () => {
  const model = createVae(mnistVae(2, 16), new Rng(8));
  const data = navigatorData(model, new Float32Array(10 * 784).fill(0.5), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], {
    classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "</script><b>9"],
  });

  it("is one fragment whose data and code cannot close their script elements early", () => {
    const html = navigatorHtml(data, { id: "nav-test" });
    expect(html.startsWith('<div data-vae-navigator="nav-test">')).toBe(true);
    const json = /<script type="application\/json" data-role="navigator-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(JSON.parse(json).classNames[9]).toBe("</script><b>9");
    expect(html).toContain("&lt;/script&gt;&lt;b&gt;9"); // the button label is escaped too
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).not.toMatch(/\ssrc=|href=/); // nothing loaded from elsewhere
  });

  it("has one slider per latent dimension up to maxSliders, and refuses ids that could break the markup", () => {
    expect(navigatorHtml(data).match(/<input type="range"/g)).toHaveLength(2);
    const big = { ...data, latentDim: 20, centroids: data.centroids.map(() => new Array(20).fill(0)) };
    expect(navigatorHtml(big, { maxSliders: 4 }).match(/<input type="range"/g)).toHaveLength(4);
    expect(() => navigatorHtml(data, { id: 'x" onload="alert(1)' })).toThrow(/id must be letters/);
  });
});
