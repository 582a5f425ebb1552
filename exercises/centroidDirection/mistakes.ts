/** Wrong answers learners write for `centroidDirection`, with detectors on the probes' observations (./contract.ts). */
import type { Mistake } from "../types";
import { allNear } from "../util";
import type { CentroidDirectionFn, CentroidDirectionSeen } from "./contract";

type M = Mistake<CentroidDirectionFn, CentroidDirectionSeen>;

const mean = (codes: number[][]) => codes[0].map((_, d) => codes.reduce((s, z) => s + z[d], 0) / codes.length);
const sum = (codes: number[][]) => codes[0].map((_, d) => codes.reduce((s, z) => s + z[d], 0));
const minus = (a: number[], b: number[]) => a.map((v, d) => v - b[d]);
/** The same values as the mistake's own (NaN matching NaN). */
const same = (a: number[], b: number[]) =>
  a.length === b.length &&
  a.every((v, i) => (Number.isFinite(b[i]) ? allNear([v], [b[i]], 1e-4, 1e-5) : !Number.isFinite(v)));

export const centroidDirectionMistakes: M[] = [
  {
    id: "reversed",
    description: "mean(codesFrom) − mean(codesTo): the direction points backwards",
    hint: 'Your direction points from the "to" group back to the "from" group. It should be mean(codesTo) − mean(codesFrom), so that z + d moves a "from" code towards the "to" digits.',
    implementation: (from, to) => minus(mean(from), mean(to)),
    needs: ["basic", "single"],
    detect: ({ basic, single }, own) => same(basic, own.basic) && same(single, own.single),
  },
  {
    id: "normalised",
    description: "a unit vector: the direction divided by its length",
    hint: 'You normalised the direction to length 1. Keep its length: with d = mean(codesTo) − mean(codesFrom), α = 1 moves the "from" centroid exactly onto the "to" centroid (the lesson scales the walk with α).',
    implementation: (from, to) => {
      const d = minus(mean(to), mean(from));
      const n = Math.hypot(...d);
      return d.map((v) => v / n);
    },
    needs: ["basic", "dims"],
    detect: ({ basic, dims }, own) => same(basic, own.basic) && same(dims, own.dims),
  },
  {
    id: "sum-not-mean",
    description: "sum(codesTo) − sum(codesFrom): sums instead of means",
    hint: "You subtracted the sums of the codes, not their means: a group with more codes weighs more. Divide each group's sum by its own number of codes first.",
    implementation: (from, to) => minus(sum(to), sum(from)),
    needs: ["basic", "dims"],
    detect: ({ basic, dims }, own) => same(basic, own.basic) && same(dims, own.dims),
  },
  {
    id: "wrong-axis",
    description: "averages each code's dimensions instead of averaging the codes",
    hint: "You averaged over each code's latent dimensions (one number per code). The centroid averages over the codes, one number per latent dimension: mean_d = (1/n) Σ_i codes[i][d].",
    implementation: (from, to) => {
      const perCode = (codes: number[][]) => codes.map((z) => z.reduce((a, b) => a + b, 0) / z.length);
      const f = perCode(from);
      return perCode(to).map((v, i) => v - f[i]);
    },
    needs: ["basic"],
    detect: ({ basic }, own) => same(basic, own.basic),
  },
  {
    id: "paired-differences",
    description: "averages codesTo[i] − codesFrom[i] over pairs, ignoring the codes without a partner",
    hint: "You paired codesTo[i] with codesFrom[i], but the groups have different sizes and nothing pairs them: codes without a partner were dropped. Average each group on its own, then subtract the two means.",
    implementation: (from, to) => mean(from.map((z, i) => minus(to[i], z))),
    needs: ["basic", "single"],
    detect: ({ basic, single }, own, ref) => same(basic, own.basic) && same(single, ref.single),
  },
  {
    id: "one-count",
    description: "divides both sums by the same count (codesTo.length)",
    hint: "You divided both groups' sums by the same number of codes. Each mean divides by its own group's size: sum(codesTo) / codesTo.length − sum(codesFrom) / codesFrom.length.",
    implementation: (from, to) => minus(sum(to), sum(from)).map((v) => v / to.length),
    needs: ["basic", "single"],
    detect: ({ basic, single }, own, ref) => same(basic, own.basic) && same(single, ref.single),
  },
  {
    id: "sums-into-first-code",
    description: "sums into codesFrom[0] and codesTo[0], changing the caller's codes",
    hint: "Your sums start from codesFrom[0] and codesTo[0] themselves, so adding to them changes the caller's codes (arrays are passed by reference). Start each sum from a new array: new Array(latentDim).fill(0).",
    implementation: (from, to) => {
      const meanInPlace = (codes: number[][]) => {
        const acc = codes[0];
        for (const z of codes.slice(1)) for (let d = 0; d < acc.length; d++) acc[d] += z[d];
        return acc.map((v) => v / codes.length);
      };
      const f = meanInPlace(from);
      return minus(meanInPlace(to), f);
    },
    needs: ["basic", "unchanged"],
    detect: ({ basic, unchanged }, _own, ref) => !unchanged && same(basic, ref.basic),
  },
];
