/**
 * What graded code gets for `import … from "vae-lab"` inside the jail, per exercise: the parts of
 * the library a solution to that exercise may use, and nothing that computes an answer. The lesson
 * text of each exercise says the same (solutions/*.ipynb). Everything else of vae-lab — display,
 * files, datasets, models and their forward pass (it samples z itself), the losses (they are
 * computeVaeLoss's and elbo's answers), interpolationPath (it is slerp), the training loop's betaAt
 * (it is betaSchedule), activeUnits and centroidDirection (lesson 3's answers) — gives a clear error when
 * called, naming the helper; notebook no-ops (check, initBackend, show…) do nothing.
 *
 * ./bundle.ts builds one runner per exercise from these lists, so a runner file holds only the
 * library code its exercise may call (docs/grading.md).
 */

/** Names every exercise may import, and the module each comes from (relative to this folder). */
const COMMON: Record<string, string> = {
  tf: "@tensorflow/tfjs",
  Rng: "../../src/vae/random",
  setSeed: "../../src/vae/random",
  defaultRng: "../../src/vae/random",
  randn: "../../src/vae/reparameterize",
  NotImplementedError: "../../src/notebook/notImplemented",
};

/** exercise id → what its solution may import from "vae-lab". */
export const ALLOWED: Record<string, Record<string, string>> = {
  reparameterize: COMMON,
  computeVaeLoss: COMMON,
  elbo: COMMON,
  slerp: { ...COMMON, lerp: "../../src/vae/latent", SLERP_PARALLEL_THRESHOLD: "../../src/vae/latent" },
  betaSchedule: COMMON,
  activeUnits: COMMON,
  centroidDirection: COMMON,
};

/** The same, in words, for feedback (the lesson's exercise cell says it too). */
export const ALLOWED_TEXT: Record<string, string> = {
  reparameterize: "tf operations and randn",
  computeVaeLoss: "tf operations, model.encode, model.decode and your reparameterize",
  elbo: "tf operations",
  slerp: "plain arithmetic (Math) and lerp",
  betaSchedule: "plain arithmetic (Math)",
  activeUnits: "plain arithmetic (Math) or tf operations",
  centroidDirection: "plain arithmetic (Math) or tf operations",
};

/**
 * vae-lab's exports a learner might call in a solution cell: a call of one of these that its
 * exercise does not allow gets a message naming it (other names are not echoed into feedback).
 */
export const KNOWN_HELPERS = new Set([
  "forward",
  "createVae",
  "decodeMean",
  "samplePrior",
  "paramCount",
  "mse",
  "bernoulliNll",
  "gaussianKl",
  "gaussianKlPerDim",
  "elbo",
  "reparameterize",
  "interpolationPath",
  "morphPath",
  "latentGrid",
  "slerp",
  "lerp",
  "train",
  "evaluate",
  "swissRoll",
  "swissRollSampler",
  "swissRollVae",
  "swissRollVaeConfig",
  "mnistVae",
  "convMnistVae",
  "encodeDataset",
  "classCentroids",
  "clusterSeparation",
  "loadMnistData",
  "trainOrLoadMnist",
  "betaAt",
  "activeUnits",
  "centroidDirection",
]);

/** The error a forbidden helper throws in the jail; the trusted side recognises it by this prefix. */
export const forbiddenMessage = (name: string) => `vae-lab's ${name} is not available while grading this exercise`;
export const FORBIDDEN = /^it threw Error: vae-lab's ([A-Za-z]{1,40}) is not available while grading this exercise/;

/** Exercise functions ./standins.ts stands in for (kept out of their own exercise's runner). */
export const STAND_IN_NAMES = ["reparameterize"];
