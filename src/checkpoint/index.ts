/**
 * Checkpoints: a model's weights, config, training history and run details in one folder, in a
 * versioned format.
 *
 *   <dir>/checkpoint.json   { format: "vae-lab-checkpoint", formatVersion: 1, createdAt, config,
 *                             variables: [{ name, shape, dtype, byteOffset, byteLength }],
 *                             weightsByteLength, weightsSha256, history, meta }
 *   <dir>/weights.bin       the variables' values one after another, float32 little-endian, in
 *                           manifest order (each variable's bytes start where the previous one's end)
 *
 * Variables are stored under the model's stable names (`Vae.variableNames`, e.g. "encoder/mu/w"), and
 * loading rebuilds the model from the config and assigns the weights by name. Loading checks the
 * format, the version, the weights' size and SHA-256, and that the variables are exactly the ones the
 * config's model has, with the same shapes: a corrupt, truncated or mismatched checkpoint is a clear
 * error that names the folder and the fix, never a silently wrong model.
 *
 * Saving is atomic at the level that matters: checkpoint.json is the commit record, written last by a
 * rename. A save interrupted at any point leaves either the previous checkpoint or no checkpoint.json
 * at all (which reads as "no checkpoint": train again), never a manifest that describes other weights.
 *
 * Files: format.ts (names, manifest shape, CheckpointError), save.ts, load.ts, manifest.ts (reading
 * and checking checkpoint.json), durable.ts (fsync and clean-up).
 */
export * from "./format";
export { saveCheckpoint } from "./save";
export { checkpointExists, loadCheckpoint, readCheckpointInfo } from "./load";
export { configDifferences, configsEqual } from "../json";
