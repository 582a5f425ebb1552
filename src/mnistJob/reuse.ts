/** Whether a saved checkpoint is the one these settings would train, read from its manifest alone. */
import { CheckpointError, readCheckpointInfo } from "../checkpoint";
import { configDifferences } from "../json";
import { dataFingerprint } from "./data";
import { modelConfigFor, settingsKey, type MnistJobSettings } from "./settings";

/**
 * Why the checkpoint in `dir` (its manifest only: no weights are read) is not the one these settings
 * would train: one line per difference, e.g. "epochs: wanted 30, found 2"; empty when it is.
 * Throws `CheckpointError` (naming the folder, the file and --retrain) when the manifest is unreadable.
 */
export function checkpointMismatch(dir: string, settings: MnistJobSettings): string[] {
  const info = readCheckpointInfo(dir);
  const differences = configDifferences(modelConfigFor(settings), info.config).map((d) => `model ${d}`);
  const stored = info.meta.settings;
  let have: unknown;
  try {
    have = typeof stored === "string" ? JSON.parse(stored) : undefined;
  } catch {
    have = undefined;
  }
  if (have === undefined) return [...differences, "training settings: not recorded in the checkpoint"];
  // model/latentDim/hidden also shape the config: when the config differs, say it once.
  const settingDiffs = configDifferences(JSON.parse(settingsKey(settings)), have).filter(
    (d) => differences.length === 0 || !/^(model|latentDim|hidden|depth)\b/.test(d),
  );
  // Checkpoints saved before data fingerprints were recorded are compared on dataDir alone.
  const data = info.meta.dataFingerprint;
  const dataDiff =
    typeof data === "string" && data !== dataFingerprint(settings.dataDir)
      ? ["data: the IDX files changed since this model was trained"]
      : [];
  return [...differences, ...settingDiffs, ...dataDiff];
}

/** A checkpoint error with the caller's fix instead of the CLI's, and no stack (a notebook shows it as is). */
export function inCallersTerms<T>(f: () => T, fix: string | undefined): T {
  try {
    return f();
  } catch (e) {
    throw fix && e instanceof CheckpointError ? plainError(new CheckpointError(e.dir, e.problem, fix)) : e;
  }
}

export async function inCallersTermsAsync<T>(f: () => Promise<T>, fix: string | undefined): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw fix && e instanceof CheckpointError ? plainError(new CheckpointError(e.dir, e.problem, fix)) : e;
  }
}

function plainError<E extends Error>(e: E): E {
  e.stack = `${e.name}: ${e.message}`;
  return e;
}
