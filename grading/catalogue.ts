/**
 * The wrong-answer catalogue as learners write it: for every known mistake (exercises/<id>/mistakes.ts),
 * the solution cell a student would hand in (TypeScript, under the lesson's imports), next to a
 * right answer for each exercise. The grader's tests grade each one as a real notebook and require
 * that it loses points and gets that mistake's own hint.
 */

/** Right answers, written as a student would (not the library's code). */
export const correctSources: Record<string, string> = {
  reparameterize: `function reparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor2D {
  const sigma = tf.exp(tf.mul(0.5, logVar));
  const eps = randn(mu.shape);
  return tf.add(mu, tf.mul(sigma, eps)) as tf.Tensor2D;
}`,
  computeVaeLoss: lossWith({}),
  elbo: elboWith({}),
  slerp: slerpWith({}),
  betaSchedule: betaWith({}),
  activeUnits: unitsWith({}),
  centroidDirection: directionWith({}),
};

function lossWith(o: { recon?: string; kl?: string; total?: string }): string {
  return `function computeVaeLoss(model: Vae, x: tf.Tensor2D, beta: number) {
  const { mu, logVar } = model.encode(x);
  const z = reparameterize(mu, logVar);
  const xHat = model.decode(z);
  const klTerms = tf.mul(0.5, tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), logVar), 1));
  const recon = ${o.recon ?? "tf.mean(tf.square(tf.sub(x, xHat)))"};
  const kl = ${o.kl ?? "tf.mean(klTerms)"};
  const total = ${o.total ?? "tf.add(recon, tf.mul(beta, kl))"};
  return { total, recon, kl };
}`;
}

function elboWith(o: { bce?: string; recon?: string; kl?: string; klTerms?: string }): string {
  return `function elbo(x: tf.Tensor2D, logits: tf.Tensor2D, mu: tf.Tensor2D, logVar: tf.Tensor2D) {
  const bce = ${o.bce ?? "tf.add(tf.sub(tf.relu(logits), tf.mul(logits, x)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))))"}; // [batch, pixels]
  const recon = ${o.recon ?? "tf.mean(tf.sum(bce, 1))"};
  const klTerms = ${o.klTerms ?? "tf.mul(0.5, tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), logVar), 1))"}; // [batch, latentDim]
  const kl = ${o.kl ?? "tf.mean(tf.sum(klTerms, 1))"};
  return { total: tf.add(recon, kl), recon, kl };
}`;
}

function slerpWith(o: { fallback?: string; w0?: string; w1?: string; prep?: string; cos?: string }): string {
  return `function slerp(z0: number[], z1: number[], t: number): number[] {
  ${o.prep ?? ""}
  const dot = z0.reduce((s, v, i) => s + v * z1[i], 0);
  const omega = Math.acos(${o.cos ?? "Math.min(1, Math.max(-1, dot / (Math.hypot(...z0) * Math.hypot(...z1))))"});
  ${o.fallback ?? "if (!(omega > 1e-4 && Math.PI - omega > 1e-4)) return z0.map((v, i) => (1 - t) * v + t * z1[i]); // parallel, opposite or a zero code (NaN)"}
  const s = Math.sin(omega);
  return z0.map((v, i) => (${o.w0 ?? "Math.sin((1 - t) * omega)"} / s) * v + (${o.w1 ?? "Math.sin(t * omega)"} / s) * z1[i]);
}`;
}

function betaWith(o: { zero?: string; fraction?: string; value?: string }): string {
  return `function betaSchedule(epochsDone: number, betaMax: number, warmupEpochs: number): number {
  ${o.zero ?? "if (warmupEpochs === 0) return betaMax; // no warm-up"}
  const fraction = ${o.fraction ?? "Math.min(1, epochsDone / warmupEpochs)"};
  return ${o.value ?? "betaMax * fraction"};
}`;
}

function unitsWith(o: { mean?: string; dev?: string; divide?: string; active?: string }): string {
  return `function activeUnits(mu: number[][], threshold: number): { variance: number[]; count: number } {
  const n = mu.length, latentDim = mu[0].length;
  const variance: number[] = [];
  for (let d = 0; d < latentDim; d++) {
    ${o.mean ?? "let mean = 0;\n    for (const z of mu) mean += z[d] / n;"}
    let sum = 0;
    for (const z of mu) sum += ${o.dev ?? "(z[d] - mean) ** 2"};
    variance.push(${o.divide ?? "sum / n"});
  }
  const count = variance.filter((v) => ${o.active ?? "v > threshold"}).length;
  return { variance, count };
}`;
}

function directionWith(o: { mean?: string; result?: string }): string {
  return `function centroidDirection(codesFrom: number[][], codesTo: number[][]): number[] {
  const centroid = (codes: number[][]) => {
    ${o.mean ?? "const sum = new Array(codes[0].length).fill(0);\n    for (const z of codes) z.forEach((v, d) => (sum[d] += v));\n    return sum.map((s) => s / codes.length);"}
  };
  const from = centroid(codesFrom), to = centroid(codesTo);
  return ${o.result ?? "to.map((v, d) => v - from[d])"};
}`;
}

const rep = (body: string) =>
  `function reparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor2D {\n${body}\n}`;

/** exercise id → mistake id → the student's cell. */
export const mistakeSources: Record<string, Record<string, string>> = {
  reparameterize: {
    "sigma-is-exp-logvar": rep(
      `  const sigma = tf.exp(logVar);\n  return tf.add(mu, tf.mul(sigma, randn(mu.shape))) as tf.Tensor2D;`,
    ),
    "logvar-as-sigma": rep(`  return tf.add(mu, tf.mul(logVar, randn(mu.shape))) as tf.Tensor2D;`),
    "sigma-half-exp": rep(
      `  const sigma = tf.mul(0.5, tf.exp(logVar));\n  return tf.add(mu, tf.mul(sigma, randn(mu.shape))) as tf.Tensor2D;`,
    ),
    "sqrt-logvar": rep(
      `  const sigma = tf.sqrt(logVar);\n  return tf.add(mu, tf.mul(sigma, randn(mu.shape))) as tf.Tensor2D;`,
    ),
    "uniform-eps": rep(
      `  const eps = tf.randomUniform(mu.shape);\n  return tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), eps)) as tf.Tensor2D;`,
    ),
    "no-eps": rep(`  return mu;`),
    "fixed-eps": rep(
      `  const eps = randn(mu.shape, new Rng(42)); // same seed every call\n  return tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), eps)) as tf.Tensor2D;`,
    ),
    "eps-wrong-shape": rep(
      `  const eps = randn([mu.shape[1]]);\n  return tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), eps)) as tf.Tensor2D;`,
    ),
    "gradients-blocked": rep(
      `  const z = tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), randn(mu.shape)));\n  return tf.tensor2d(z.arraySync() as number[][]);`,
    ),
  },
  computeVaeLoss: {
    "kl-sign-flipped": lossWith({ kl: "tf.neg(tf.mean(klTerms))" }),
    "kl-half-dropped": lossWith({ kl: "tf.mean(tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), logVar), 1))" }),
    "kl-summed": lossWith({ kl: "tf.sum(klTerms)" }),
    "kl-sum-over-dims": lossWith({ kl: "tf.mean(tf.sum(klTerms, 1))" }),
    "recon-summed": lossWith({ recon: "tf.sum(tf.square(tf.sub(x, xHat)))" }),
    "recon-absolute": lossWith({ recon: "tf.mean(tf.abs(tf.sub(x, xHat)))" }),
    "beta-on-recon": lossWith({ total: "tf.add(tf.mul(beta, recon), kl)" }),
    "beta-ignored": lossWith({ total: "tf.add(recon, kl)" }),
    "kl-sigma-not-variance": lossWith({
      kl: "tf.mean(tf.mul(0.5, tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(tf.mul(0.5, logVar))), logVar), 1)))",
    }),
    "decoded-mu": lossWith({ recon: "tf.mean(tf.square(tf.sub(x, model.decode(mu))))" }),
    "loss-detached": lossWith({
      recon: "tf.scalar(tf.mean(tf.square(tf.sub(x, xHat))).dataSync()[0])",
      kl: "tf.scalar(tf.mean(klTerms).dataSync()[0])",
    }),
  },
  elbo: {
    "recon-mean-over-pixels": elboWith({ recon: "tf.mean(bce)" }),
    "kl-mean-over-dims": elboWith({ kl: "tf.mean(klTerms)" }),
    "batch-summed": elboWith({ recon: "tf.sum(bce)", kl: "tf.sum(klTerms)" }),
    "recon-sign-flipped": elboWith({ recon: "tf.neg(tf.mean(tf.sum(bce, 1)))" }),
    "kl-sign-flipped": elboWith({ kl: "tf.neg(tf.mean(tf.sum(klTerms, 1)))" }),
    "kl-half-dropped": elboWith({ klTerms: "tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), logVar), 1)" }),
    "sigmoid-twice": elboWith({
      bce: "(() => { const l = tf.sigmoid(logits); return tf.add(tf.sub(tf.relu(l), tf.mul(l, x)), tf.log1p(tf.exp(tf.neg(tf.abs(l))))); })()",
    }),
    "mse-not-bce": elboWith({ bce: "tf.squaredDifference(x, tf.sigmoid(logits))" }),
    "naive-bce": elboWith({
      bce: "tf.neg(tf.add(tf.mul(x, tf.log(tf.sigmoid(logits))), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, tf.sigmoid(logits))))))",
    }),
  },
  slerp: {
    "lerp-not-slerp": `function slerp(z0: number[], z1: number[], t: number): number[] {\n  return z0.map((v, i) => (1 - t) * v + t * z1[i]);\n}`,
    "no-parallel-fallback": slerpWith({ fallback: "" }),
    "unclamped-acos": slerpWith({
      cos: "dot / (Math.hypot(...z0) * Math.hypot(...z1))",
      fallback: "if (omega < 1e-4) return z0.map((v, i) => (1 - t) * v + t * z1[i]);",
    }),
    "no-degenerate-fallback": slerpWith({
      fallback: "if (omega < 1e-4) return z0.map((v, i) => (1 - t) * v + t * z1[i]);",
    }),
    "weights-swapped": slerpWith({ w0: "Math.sin(t * omega)", w1: "Math.sin((1 - t) * omega)" }),
    "unit-directions": slerpWith({
      prep: "const n0 = Math.hypot(...z0), n1 = Math.hypot(...z1);\n  z0 = z0.map((v) => v / n0);\n  z1 = z1.map((v) => v / n1);",
    }),
  },
  betaSchedule: {
    "warmup-to-one": betaWith({ zero: "if (warmupEpochs === 0) return 1;", value: "fraction" }),
    "epoch-off-by-one": betaWith({
      fraction: "Math.min(1, (epochsDone + 1) / warmupEpochs) // the epoch about to run",
    }),
    "no-cap": betaWith({ fraction: "epochsDone / warmupEpochs" }),
    "zero-warmup-nan": betaWith({ zero: "" }),
    decreasing: betaWith({ fraction: "Math.max(0, 1 - epochsDone / warmupEpochs)" }),
    "warmup-ignored": `function betaSchedule(epochsDone: number, betaMax: number, warmupEpochs: number): number {\n  return betaMax;\n}`,
  },
  activeUnits: {
    "wrong-axis": `function activeUnits(mu: number[][], threshold: number): { variance: number[]; count: number } {
  const variance = mu.map((z) => {
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    return z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length;
  });
  return { variance, count: variance.filter((v) => v > threshold).length };
}`,
    "sample-variance": unitsWith({ divide: "sum / (n - 1)" }),
    "std-not-variance": unitsWith({ divide: "Math.sqrt(sum / n)" }),
    "mean-not-subtracted": unitsWith({ dev: "z[d] ** 2" }),
    "sum-not-mean": unitsWith({ divide: "sum" }),
    "at-least-threshold": unitsWith({ active: "v >= threshold" }),
    "counts-inactive": unitsWith({ active: "v <= threshold" }),
    "threshold-ignored": unitsWith({ active: "v > 0.01" }),
    "centres-mu-in-place": unitsWith({
      mean: "let mean = 0;\n    for (const z of mu) mean += z[d] / n;\n    for (const z of mu) z[d] -= mean; // centre the column\n    mean = 0;",
    }),
  },
  centroidDirection: {
    reversed: directionWith({ result: "from.map((v, d) => v - to[d])" }),
    normalised: directionWith({
      result:
        "(() => { const d = to.map((v, k) => v - from[k]); const len = Math.hypot(...d); return d.map((v) => v / len); })()",
    }),
    "sum-not-mean": directionWith({
      mean: "const sum = new Array(codes[0].length).fill(0);\n    for (const z of codes) z.forEach((v, d) => (sum[d] += v));\n    return sum;",
    }),
    "wrong-axis": directionWith({ mean: "return codes.map((z) => z.reduce((a, b) => a + b, 0) / z.length);" }),
    "paired-differences": `function centroidDirection(codesFrom: number[][], codesTo: number[][]): number[] {
  const diffs = codesFrom.map((z, i) => codesTo[i].map((v, d) => v - z[d]));
  return diffs[0].map((_, d) => diffs.reduce((s, x) => s + x[d], 0) / diffs.length);
}`,
    "one-count": `function centroidDirection(codesFrom: number[][], codesTo: number[][]): number[] {
  const n = codesTo.length;
  const sum = (codes: number[][]) => codes[0].map((_, d) => codes.reduce((s, z) => s + z[d], 0));
  const from = sum(codesFrom), to = sum(codesTo);
  return to.map((v, d) => (v - from[d]) / n);
}`,
    "sums-into-first-code": directionWith({
      mean: "const sum = codes[0];\n    for (const z of codes.slice(1)) z.forEach((v, d) => (sum[d] += v));\n    return sum.map((s) => s / codes.length);",
    }),
  },
};
