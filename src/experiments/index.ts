/**
 * The instructor experiments: sweep definitions, the runner, the results file, and run selection
 * for the figures. `npm run experiment` (src/cli/experiment.ts) and notebook 04 are thin fronts.
 */
export * from "./sweeps";
export * from "./results";
export { runExperiment, runSweep, sweepStatus, computePath, loadRunData, modelConfigOf, checkpointName, isReusable, type RunData, type RunProgress, type SweepProgress, type SweepOutcome, type RunSweepOptions } from "./runner";
export * from "./select";
export * from "./report";
