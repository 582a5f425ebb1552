/**
 * The instructor experiments: sweep definitions, the runner, the results file, and run selection
 * for the figures. `npm run experiment` (cli/experiment.ts) and notebook 04 are thin fronts.
 */
export * from "./sweeps";
export * from "./results";
export { runExperiment, modelConfigOf, checkpointName, type RunProgress, type RunOptions } from "./runner";
export {
  runSweep,
  sweepStatus,
  computePath,
  isReusable,
  type SweepProgress,
  type SweepOutcome,
  type RunSweepOptions,
} from "./sweep";
export { loadRunData, type RunData } from "./runData";
export { jobSettingsOf } from "./mnistRun";
export * from "./select";
export * from "./report";
