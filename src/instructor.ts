/**
 * `import { ... } from "vae-lab/instructor"`: everything of "vae-lab" (./index.ts), plus the APIs
 * instructors and tools use — checkpoints, experiment sweeps and their results, the navigator's
 * parts, IDX readers and dataset helpers, display and image internals, and the engine switch
 * (installEngine; useFastPath(false) runs the teaching core alone, e.g. to time it against the engine).
 */
export * from "./index";
export { BACKEND_ENV_VAR } from "./engine/backend";
export { installEngine, useFastPath, withoutFastPath, ENGINE_ENV_VAR } from "./engine/install";
export * from "./vae/data";
export { adam, type Optimizer, type AdamOptions } from "./vae/optim";
export { betaAt, TrainingDivergedError } from "./vae/train";
export { SLERP_PARALLEL_THRESHOLD } from "./vae/latent";
export { saveCheckpoint, loadCheckpoint, checkpointExists, CheckpointError } from "./checkpoint";
export { signaturesDiffer } from "./mnistJob";
export { meanNearestDistance } from "./swissRollStudy";
export { projectRoot } from "./paths";
export { showHtml, showText, renderMath, inNotebook, displayBundle } from "./notebook/display";
export { imagesHtml } from "./notebook/images";
export { installPlotlyAsset, PLOTLY_NBEXTENSION } from "./notebook/plotOutput";
export { texToMathMl } from "./notebook/math";
export { tileImages, encodePng, pngDataUri, type GreyImage } from "./plots/images";
export * from "./plots/figures";
export { CLASS_COLOURS } from "./plots/latentFigures";
export * from "./experiments";
export * from "./plots/experiments";
export * from "./navigator";
export { priorCircleTrace, priorMassWithin } from "./plots/priorCircle";
