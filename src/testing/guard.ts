/**
 * The one line a test file that needs a system part puts at its top:
 *
 *   skipWithout(import.meta.url, "jupyter", "chromium");
 *
 * Where a part is missing, every test of the file is skipped (src/testing/runner.ts marks the file
 * before it runs, so no beforeAll starts a server or a kernel) and the end of `npm test` lists the
 * file, the part and the command that installs it (src/testing/skipReporter.ts). Under CI (CI=true)
 * nothing may be skipped: the file fails instead, naming the part and the command.
 */
import { fileURLToPath } from "node:url";
import { describeMissing, detectPart, isCi, type PartId, type PartStatus } from "./systemParts";

/** What the runner and the reporter read: file path → the parts it lacks. */
export interface SkippedFile {
  file: string;
  missing: PartStatus[];
}

const REGISTRY = Symbol.for("vae-lab.skipWithout");
type Registry = Map<string, PartStatus[]>;

export function skipRegistry(): Registry {
  const g = globalThis as { [REGISTRY]?: Registry };
  return (g[REGISTRY] ??= new Map());
}

/** Skips the whole test file (see above) unless every part in `ids` is present here. */
export function skipWithout(fileUrl: string, ...ids: PartId[]): void {
  const missing = ids.map((id) => detectPart(id)).filter((s) => !s.present);
  if (missing.length === 0) return;
  const file = fileUrl.startsWith("file:") ? fileURLToPath(fileUrl) : fileUrl;
  if (isCi()) {
    throw new Error(
      `CI=true and this test file needs ${describeMissing(missing)}: install it (nothing may be skipped under CI). ${missing.map((m) => m.detail).join("; ")}`,
    );
  }
  skipRegistry().set(file, missing);
}
