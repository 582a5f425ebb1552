/**
 * The collector's manifest (collect-manifest.json at the top of a collection, ./collect.ts): its
 * shape, and the one thing the grader reads from it — which notebooks were saved after the
 * deadline. Kept apart from the collector so that the grader (and the Gradescope autograder, which
 * ships grading/ without the hub's scripts) does not load the hub's account readers.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The manifest's file name at the top of --out; the grader reads its late flags (./grade.ts). */
export const COLLECT_MANIFEST = "collect-manifest.json";
export const COLLECT_MANIFEST_CSV = "collect-manifest.csv";

export interface CollectedFile {
  /** Relative to --out: "<student>/<file name>". */
  file: string;
  /** Where it was copied from. */
  source: string;
  /** The file's modification time (ISO 8601, UTC): when the student last saved it. */
  modified: string;
  bytes: number;
  sha256: string;
  /** Modified after --deadline. */
  late: boolean;
}

export interface StudentEntry {
  student: string;
  files: CollectedFile[];
  /** Why nothing was collected (never logged in, no notebook of the lesson, …). */
  nothing?: string;
  /** Files seen but not collected, each with why. */
  refused?: { file: string; reason: string }[];
}

export interface CollectManifest {
  version: 1;
  lesson: string;
  from: string;
  collectedAt: string;
  deadline: string | null;
  students: StudentEntry[];
}

/** The late flags of a collection in `root`, by absolute file path (./grade.ts marks those notebooks late). */
export function lateFiles(root: string): Set<string> {
  const file = path.join(root, COLLECT_MANIFEST);
  const late = new Set<string>();
  try {
    const m = JSON.parse(fs.readFileSync(file, "utf8")) as CollectManifest;
    for (const s of m.students ?? []) for (const f of s.files ?? []) if (f.late) late.add(path.join(root, f.file));
  } catch {
    // no manifest, or not one of ours: nothing is late by it
  }
  return late;
}
