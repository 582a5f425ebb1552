/**
 * Statistics of a trained VAE's codes, over plain arrays of codes ([n][latentDim], one row per image):
 * - active units (Burda, Grosse & Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016):
 *   unit d is active when the encoder's mean moves with the input, Var_x(mu_d(x)) > 0.01; a collapsed
 *   unit has the same mu for every image, so the decoder cannot read anything from it;
 * - the direction between two groups of codes (mean of one group minus mean of the other): walking
 *   z + α·d turns a "from" digit into a "to" digit (White, "Sampling Generative Networks", 2016: attribute vectors).
 * Lesson 3's exercises ask learners to write both; these are the references.
 */

/** Codes must be a non-empty list of rows of equal length ≥ 1. Returns latentDim. */
function checkCodes(fn: string, what: string, codes: number[][]): number {
  if (!Array.isArray(codes) || codes.length === 0)
    throw new Error(
      `${fn}: ${what} must hold at least one code (one row per image), got ${Array.isArray(codes) ? "none" : typeof codes}.`,
    );
  const dim = Array.isArray(codes[0]) ? codes[0].length : 0;
  if (dim < 1) throw new Error(`${fn}: each code in ${what} must be an array of at least one number.`);
  codes.forEach((z, i) => {
    if (!Array.isArray(z) || z.length !== dim)
      throw new Error(
        `${fn}: ${what}[${i}] has ${Array.isArray(z) ? z.length : "no"} values, but ${what}[0] has ${dim}: every code needs latentDim values.`,
      );
  });
  return dim;
}

/** The mean code of `codes` ([latentDim]). */
function meanCode(codes: number[][], dim: number): number[] {
  const mean = new Array<number>(dim).fill(0);
  for (const z of codes) for (let d = 0; d < dim; d++) mean[d] += z[d];
  return mean.map((s) => s / codes.length);
}

/**
 * Per latent dimension, the variance over the n images of the encoder's mean, dividing by n, and how
 * many dimensions are active (variance > threshold; 0.01 as in Burda et al.).
 *
 * @example
 * activeUnits([[0, 1], [0, -1]], 0.01); //=> { variance: [0, 1], count: 1 }
 */
export function activeUnits(mu: number[][], threshold = 0.01): { variance: number[]; count: number } {
  const dim = checkCodes("activeUnits", "mu", mu);
  if (typeof threshold !== "number" || Number.isNaN(threshold))
    throw new Error(`activeUnits: threshold must be a number (0.01 is customary), got ${threshold}.`);
  const mean = meanCode(mu, dim);
  const variance = new Array<number>(dim).fill(0);
  for (const z of mu) for (let d = 0; d < dim; d++) variance[d] += (z[d] - mean[d]) ** 2;
  for (let d = 0; d < dim; d++) variance[d] /= mu.length;
  return { variance, count: variance.filter((v) => v > threshold).length };
}

/**
 * The direction from the centroid of `codesFrom` to the centroid of `codesTo`: mean(codesTo) −
 * mean(codesFrom), not normalised (adding it to the "from" centroid lands on the "to" centroid).
 *
 * @example
 * centroidDirection([[0, 0], [2, 0]], [[1, 3]]); //=> [0, 3]
 */
export function centroidDirection(codesFrom: number[][], codesTo: number[][]): number[] {
  const dim = checkCodes("centroidDirection", "codesFrom", codesFrom);
  const dimTo = checkCodes("centroidDirection", "codesTo", codesTo);
  if (dimTo !== dim)
    throw new Error(
      `centroidDirection: codesFrom's codes have ${dim} values and codesTo's have ${dimTo}: both must be codes of the same latent space.`,
    );
  const from = meanCode(codesFrom, dim),
    to = meanCode(codesTo, dim);
  return to.map((v, d) => v - from[d]);
}
