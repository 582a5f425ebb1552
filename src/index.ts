/**
 * vae-lab's public API: what notebooks, the grader, the playground and the experiments import.
 */
export * as tf from "@tensorflow/tfjs";
export { initBackend, BACKEND_ENV_VAR, type BackendChoice } from "./engine/backend";
export { Rng, setSeed, defaultRng } from "./vae/random";
export * from "./vae/data";
export { elbo, mse, bernoulliNll, gaussianKl, gaussianKlPerDim, type ElboParts, type ElboOptions, type Reduction } from "./vae/losses";
export { createVae, forward, decodeMean, paramCount, samplePrior, type ForwardResult } from "./vae/vae";
export { reparameterize, randn } from "./vae/reparameterize";
export { swissRollVae, swissRollVaeConfig, mnistVae, convMnistVae } from "./vae/presets";
export type { Vae, VaeConfig, MlpVaeConfig, ConvVaeConfig, Reparameterize, LayerSummary, Likelihood } from "./vae/types";
export { train, betaAt, TrainingDivergedError, type TrainConfig, type TrainCallbacks, type TrainResult, type TrainingData, type StepInfo, type EpochInfo, type LossValues, type BetaSchedule } from "./vae/train";
export { evaluate } from "./vae/evaluate";
export * from "./vae/latent";
export { saveCheckpoint, loadCheckpoint, checkpointExists, CheckpointError } from "./checkpoint";
export { trainOrLoadMnist, loadMnistData, MNIST_JOB_DEFAULTS, elboSignature, signaturesDiffer, posteriorCollapseWarning, type MnistJobSettings, type ElboFunction } from "./mnistJob";
export { trainSwissRollVariant, meanNearestDistance, type SwissRollVariant, type SwissRollVariantResult } from "./swissRollStudy";
export { projectRoot, cacheDir } from "./paths";
export { showPlot, showMath, showHtml, showMarkdown, showText, renderMath, progressDisplay, inNotebook, displayBundle } from "./notebook/display";
export type { Figure, Trace } from "./plots/svg";
export * from "./plots/figures";
export { NotImplementedError } from "./notebook/notImplemented";
export { check } from "./notebook/checks";
export { showPlots } from "./notebook/display";
export { installPlotlyAsset, PLOTLY_NBEXTENSION } from "./notebook/plotOutput";
export { texToMathMl } from "./notebook/math";
export { formatSummary } from "./vae/summary";
export { showImages, showImageRows, imagesHtml, type ShowImagesOptions } from "./notebook/images";
export { tileImages, encodePng, pngDataUri, type GreyImage } from "./plots/images";
export { classScatterFigure, confusionFigure, CLASS_COLOURS } from "./plots/latentFigures";
export { livePlot, type LivePlot } from "./notebook/livePlot";
export * from "./experiments";
export * from "./plots/experiments";
export * from "./navigator";
