/** Wrong answers learners write for `activeUnits`, with detectors on the probes' observations (./contract.ts). */
import type { Mistake } from "../types";
import { near } from "../util";
import type { ActiveUnitsFn, ActiveUnitsOut, ActiveUnitsSeen } from "./contract";

type M = Mistake<ActiveUnitsFn, ActiveUnitsSeen>;

const columnMeans = (mu: number[][]) => mu[0].map((_, d) => mu.reduce((s, z) => s + z[d], 0) / mu.length);
/** Per latent dimension, Σ_i f(mu[i][d] − mean_d) (the learners' building block). */
const sums = (mu: number[][], f: (dev: number) => number) => {
  const m = columnMeans(mu);
  return m.map((md, d) => mu.reduce((s, z) => s + f(z[d] - md), 0));
};
const withCount = (variance: number[], active: (v: number) => boolean) => ({
  variance,
  count: variance.filter(active).length,
});
const rightVariance = (mu: number[][]) => sums(mu, (x) => x * x).map((s) => s / mu.length);

/** The same variances as the mistake's own (NaN matching NaN). */
const sameAs = (a: number[], b: number[]) =>
  a.length === b.length && a.every((v, i) => (Number.isFinite(b[i]) ? near(v, b[i], 1e-3, 1e-7) : !Number.isFinite(v)));
const same = (a: ActiveUnitsOut, b: ActiveUnitsOut) => sameAs(a.variance, b.variance) && a.count === b.count;

export const activeUnitsMistakes: M[] = [
  {
    id: "wrong-axis",
    description: "variance over each image's latent dimensions instead of over the images",
    hint: "You computed one variance per image (across its latent dimensions). A unit is a latent dimension d: take the variance of the column mu[·][d] over the n images, so variance has latentDim entries.",
    implementation: (mu, t) =>
      withCount(
        mu.map((z) => {
          const m = z.reduce((a, b) => a + b, 0) / z.length;
          return z.reduce((s, v) => s + (v - m) ** 2, 0) / z.length;
        }),
        (v) => v > t,
      ),
    needs: ["basic"],
    detect: ({ basic }, own) => sameAs(basic.variance, own.basic.variance),
  },
  {
    id: "sample-variance",
    description: "divides by n − 1 (the sample variance) instead of n",
    hint: "You divided by n − 1 (the unbiased sample variance). The lesson's definition divides by n: variance[d] = (1/n) Σ_i (mu[i][d] − mean_d)². (With a single image, n − 1 = 0 divides by zero.)",
    implementation: (mu, t) =>
      withCount(
        sums(mu, (x) => x * x).map((s) => s / (mu.length - 1)),
        (v) => v > t,
      ),
    needs: ["basic"],
    detect: ({ basic }, own) => same(basic, own.basic),
  },
  {
    id: "std-not-variance",
    description: "the standard deviation instead of the variance",
    hint: "Those are standard deviations: you took the square root. The active-unit test compares the variance (no square root) with the threshold 0.01.",
    implementation: (mu, t) => withCount(rightVariance(mu).map(Math.sqrt), (v) => v > t),
    needs: ["basic"],
    detect: ({ basic }, own) => same(basic, own.basic),
  },
  {
    id: "mean-not-subtracted",
    description: "the mean of mu² (the second moment), without subtracting each dimension's mean",
    hint: "You averaged mu² without subtracting each dimension's mean first. A collapsed unit whose mu sits at 0.5 for every image has variance 0, not 0.25: subtract mean_d, then square.",
    implementation: (mu, t) =>
      withCount(
        mu[0].map((_, d) => mu.reduce((s, z) => s + z[d] ** 2, 0) / mu.length),
        (v) => v > t,
      ),
    needs: ["basic"],
    detect: ({ basic }, own) => same(basic, own.basic),
  },
  {
    id: "sum-not-mean",
    description: "the sum of squared deviations, not divided by n",
    hint: "You summed the squared deviations but did not divide by n, so the 'variance' grows with the number of images. Divide the sum by n.",
    implementation: (mu, t) =>
      withCount(
        sums(mu, (x) => x * x),
        (v) => v > t,
      ),
    needs: ["basic"],
    detect: ({ basic }, own) => same(basic, own.basic),
  },
  {
    id: "at-least-threshold",
    description: "counts variance ≥ threshold as active",
    hint: "A unit is active when its variance is strictly above the threshold (variance > threshold): a unit exactly at the threshold, or a collapsed unit (variance 0) with threshold 0, is not active.",
    implementation: (mu, t) => withCount(rightVariance(mu), (v) => v >= t),
    needs: ["basic", "threshold", "boundary"],
    detect: ({ basic, threshold, boundary }, own, ref) =>
      same(basic, ref.basic) &&
      same(threshold, ref.threshold) &&
      same(boundary, own.boundary) &&
      boundary.count !== ref.boundary.count,
  },
  {
    id: "counts-inactive",
    description: "counts the inactive units (variance ≤ threshold)",
    hint: "count is the number of active units, those with variance above the threshold; yours counts the inactive ones.",
    implementation: (mu, t) => withCount(rightVariance(mu), (v) => v <= t),
    needs: ["basic", "threshold"],
    detect: ({ basic, threshold }, own) => same(basic, own.basic) && same(threshold, own.threshold),
  },
  {
    id: "threshold-ignored",
    description: "a fixed 0.01 instead of the threshold argument",
    hint: "Your count uses a fixed 0.01: compare with the threshold argument (0.01 is only the customary value the lesson passes).",
    implementation: (mu) => withCount(rightVariance(mu), (v) => v > 0.01),
    needs: ["basic", "threshold", "boundary"],
    detect: ({ basic, threshold, boundary }, own, ref) =>
      same(basic, ref.basic) &&
      same(threshold, own.threshold) &&
      same(boundary, own.boundary) &&
      threshold.count !== ref.threshold.count,
  },
  {
    id: "centres-mu-in-place",
    description: "subtracts the means from mu in place (the caller's mu changes)",
    hint: "Your function changed the mu it was given (it subtracted the means in place), and the lesson plots mu again afterwards. Compute the deviations into new arrays: mu.map((z) => z.map(...)).",
    implementation: (mu, t) => {
      const m = columnMeans(mu);
      for (const z of mu) for (let d = 0; d < z.length; d++) z[d] -= m[d];
      return withCount(
        mu[0].map((_, d) => mu.reduce((s, z) => s + z[d] ** 2, 0) / mu.length),
        (v) => v > t,
      );
    },
    needs: ["basic", "unchanged"],
    detect: ({ basic, unchanged }, _own, ref) => !unchanged && same(basic, ref.basic),
  },
];
