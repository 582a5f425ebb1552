/**
 * Writing files so that readers never see half of one: the one atomic write that the experiments'
 * results, the grader's reports and the exports use.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Writes `content` to a temporary file beside `file` and renames it over `file` (atomic on one file
 * system), creating the folder first. An interrupted write leaves the old file whole; the temporary
 * file is removed when the write fails.
 *
 * @example
 * writeAtomic(".cache/experiments/results.json", JSON.stringify(results)); // readers see the old or the new file, never a mix
 */
export function writeAtomic(file: string, content: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
