/**
 * vae-lab's public API, `import { ... } from "vae-lab"`: what the notebooks (00–04) use, and the
 * teaching core's functions a learner may call in a cell. Instructor and tool APIs (checkpoints,
 * experiment results, navigator internals, IDX readers, the engine switch, …) are on
 * "vae-lab/instructor" (./instructor.ts). scripts/publicApi.test.ts keeps this list curated.
 */
export * as tf from "@tensorflow/tfjs";
export { initBackend, type BackendChoice } from "./engine/backend";

// The teaching core (src/vae/, reading order in src/README.md).
export { Rng, setSeed, defaultRng } from "./vae/random";
export { gatherRows } from "./vae/data/dataset";
export { swissRoll, swissRollSampler, type SwissRoll } from "./vae/data/swissRoll";
export { createVae, forward, decodeMean, paramCount, samplePrior, type ForwardResult } from "./vae/vae";
export { reparameterize, randn } from "./vae/reparameterize";
export {
  elbo,
  mse,
  bernoulliNll,
  gaussianKl,
  gaussianKlPerDim,
  type ElboParts,
  type ElboOptions,
  type Reduction,
} from "./vae/losses";
export { swissRollVae, swissRollVaeConfig, mnistVae, convMnistVae } from "./vae/presets";
export type {
  Vae,
  VaeConfig,
  MlpVaeConfig,
  ConvVaeConfig,
  Reparameterize,
  LayerSummary,
  Likelihood,
} from "./vae/types";
export {
  train,
  type TrainConfig,
  type TrainCallbacks,
  type TrainResult,
  type TrainingData,
  type StepInfo,
  type EpochInfo,
  type LossValues,
  type BetaSchedule,
} from "./vae/train";
export { evaluate } from "./vae/evaluate";
export {
  encodeDataset,
  classCentroids,
  clusterSeparation,
  latentGrid,
  lerp,
  slerp,
  interpolationPath,
  morphPath,
  type ClusterSeparation,
} from "./vae/latent";
export { formatSummary } from "./vae/summary";

// The lessons' jobs: lesson 1's Swiss-roll variants, lesson 2's MNIST model.
export { trainSwissRollVariant, type SwissRollVariant, type SwissRollVariantResult } from "./swissRollStudy";
export {
  trainOrLoadMnist,
  loadMnistData,
  MNIST_JOB_DEFAULTS,
  elboSignature,
  posteriorCollapseWarning,
  type MnistJobSettings,
  type ElboFunction,
} from "./mnistJob";
export { cacheDir } from "./paths";

// Showing things in a notebook.
export { showPlot, showPlots, showMath, showMarkdown, progressDisplay } from "./notebook/display";
export { showImages, showImageRows, type ShowImagesOptions } from "./notebook/images";
export { livePlot, type LivePlot } from "./notebook/livePlot";
export { NotImplementedError } from "./notebook/notImplemented";
export { showNavigator } from "./navigator";
export type { Figure, Trace } from "./plots/svg";
export { scatter2d, lossFigure, reconstructionFigure, overlayFigure, snapshotSliderFigure } from "./plots/figures";
export { classScatterFigure, confusionFigure } from "./plots/latentFigures";

// Notebook 04, the experiment sweeps.
export { SWEEP_PRESETS, planSweep } from "./experiments/sweeps";
export { readResults, defaultResultsPath } from "./experiments/results";
export { runSweep, sweepStatus, computePath } from "./experiments/sweep";
export { betaSweepRuns, latentSweepRuns, swissGridRuns, heldOutImages, loadRunModel } from "./experiments/select";
export { betaText, describeRuns, runsTable } from "./experiments/report";
export { tradeoffFigure, latentMapFigure, curvesFigure, panel } from "./plots/experiments";

// Lesson 3: β, posterior collapse and the conv VAE.
export { klPerDimension } from "./vae/klPerDimension";
export { withPriorCircle } from "./plots/priorCircle";
