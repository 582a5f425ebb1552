/**
 * Which student a submitted notebook belongs to, and which of a student's notebooks is graded.
 * The rules (docs/grading-reports.md explains them to instructors):
 *   1. A notebook in a folder below the input folder belongs to that top folder: the folder is the
 *      student (alice/…/anything.ipynb → alice), whatever the file is called. LMS folder names are
 *      read for their ids: Moodle's "Jane Smith_12345_assignsubmission_file_" → "Jane Smith_12345";
 *      Gradescope's "submission_123456" → the submitter named in submission_metadata.yml.
 *   2. Only a notebook directly in the input folder (a flat folder) is named by its file:
 *      Canvas "smithjane_12345_67890_<file>" and "smithjane_LATE_12345_67890_<file>" → "smithjane_12345";
 *      Moodle "Jane Smith_12345_assignsubmission_file_<file>" → "Jane Smith_12345";
 *      otherwise the part of the file name before the lesson's name ("bob_01_swiss_roll_vae_v2" → "bob"),
 *      or after it when nothing is before ("01_swiss_roll_vae_bob" → "bob");
 *      a file that is just the lesson's name belongs to the folder's own name.
 *   3. Copy markers never make a student: Jupyter's "-Copy1", a browser's " (1)", Canvas's
 *      resubmission "-1" are dropped before the name is read.
 *   4. Per student and lesson exactly one notebook is graded (chooseOne): a readable one before an
 *      unreadable one; then the one with the most exercises attempted (not the released TODO stub);
 *      then the original before a copy; then the newest file; then path order.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export type Lms = "canvas" | "moodle" | "gradescope";

export interface Attribution {
  student: string;
  /** How the student was read, in a few words (results.json, summary). */
  rule: string;
  lms?: Lms;
  /** Canvas user id, Moodle participant id, Gradescope submission id. */
  lmsId?: string;
  /** Gradescope export: the submitter's e-mail. */
  email?: string;
  /** Canvas marked the file late. */
  late?: boolean;
  /** The copy marker found ("-Copy1", " (1)", "-1"). */
  copy?: string;
}

/** Gradescope export metadata: submission folder → its submitters. */
export type GradescopeSubmitters = Map<string, { name?: string; email?: string; sid?: string }[]>;

const COPY = /(-Copy\d+| ?\(\d+\))$/;
const CANVAS = /^([A-Za-z0-9]+)_(LATE_)?(\d+)_(\d+)_(.+)$/;
const MOODLE = /^(.+?)_(\d+)_assignsubmission_[a-z]+_(.*)$/;
const GRADESCOPE_FOLDER = /^submission_(\d+)$/;

/** `stem` without trailing copy markers, and the markers removed. */
export function dropCopyMarkers(stem: string): { stem: string; copy?: string } {
  let s = stem,
    copy = "";
  for (let m = s.match(COPY); m && m[0].length < s.length; m = s.match(COPY)) {
    copy = m[0] + copy;
    s = s.slice(0, -m[0].length);
  }
  return copy ? { stem: s, copy } : { stem: s };
}

/** The id a file name carries besides the lesson's name: what comes before it, else what comes after ("" when nothing). */
function idFromName(stem: string, lessonStems: string[]): string {
  for (const t of [...lessonStems].sort((a, b) => b.length - a.length)) {
    const at = stem.indexOf(t);
    if (at < 0) continue;
    const trim = (x: string) => x.replace(/^[-_. ]+|[-_. ]+$/g, "");
    return trim(stem.slice(0, at)) || trim(stem.slice(at + t.length)); // after the lesson's name: a version, unless nothing is before it
  }
  return stem;
}

/**
 * The student of `file`, found under the input `root` (a folder; for a notebook given by itself,
 * its own folder). `lessonStems` are the lessons' file names without .ipynb.
 */
export function attribute(
  file: string,
  root: string,
  lessonStems: string[],
  submitters?: GradescopeSubmitters,
): Attribution {
  const parts = path.relative(root, file).split(path.sep);
  if (parts.length > 1) {
    const folder = parts[0];
    const moodle = folder.match(/^(.+?)_(\d+)_assignsubmission_[a-z]+_?$/);
    if (moodle)
      return {
        student: `${moodle[1]}_${moodle[2]}`,
        rule: "Moodle submission folder",
        lms: "moodle",
        lmsId: moodle[2],
        ...copyOf(file),
      };
    const gs = folder.match(GRADESCOPE_FOLDER);
    if (gs) {
      const who = submitters?.get(folder)?.[0];
      const student = who?.email ?? who?.sid ?? who?.name ?? folder;
      return {
        student,
        rule: who
          ? "Gradescope export (submission_metadata.yml)"
          : "Gradescope submission folder (no submission_metadata.yml)",
        lms: "gradescope",
        lmsId: gs[1],
        ...(who?.email ? { email: who.email } : {}),
        ...copyOf(file),
      };
    }
    return { student: folder, rule: "folder", ...copyOf(file) };
  }
  const stem = path.basename(file).replace(/\.ipynb$/i, "");
  const canvas = stem.match(CANVAS);
  if (canvas && !lessonStems.some((t) => stem.startsWith(t))) {
    return {
      student: `${canvas[1]}_${canvas[3]}`,
      rule: "Canvas download name",
      lms: "canvas",
      lmsId: canvas[3],
      ...(canvas[2] ? { late: true } : {}),
      ...copyMarker(canvas[5], true),
    };
  }
  const moodle = stem.match(MOODLE);
  if (moodle)
    return {
      student: `${moodle[1]}_${moodle[2]}`,
      rule: "Moodle download name",
      lms: "moodle",
      lmsId: moodle[2],
      ...copyMarker(moodle[3], false),
    };
  const { stem: bare, copy } = dropCopyMarkers(stem);
  const id = idFromName(bare, lessonStems);
  const c = copy ? { copy } : {};
  if (id) return { student: id, rule: "file name (flat folder)", ...c };
  return { student: path.basename(root), rule: "the input folder's name (the file is only the lesson's name)", ...c };
}

const copyOf = (file: string) => copyMarker(path.basename(file).replace(/\.ipynb$/i, ""), false);
function copyMarker(original: string, canvas: boolean): { copy?: string } {
  const { stem, copy } = dropCopyMarkers(original);
  if (copy) return { copy };
  const resubmitted = canvas ? stem.match(/-\d+$/) : null; // Canvas renames a re-uploaded file "name-1"
  return resubmitted ? { copy: resubmitted[0] } : {};
}

/**
 * Gradescope's submission_metadata.yml (the export's index): `submission_<id>:` keys, each with
 * `:submitters:` entries carrying `:name:`, `:sid:` and `:email:`. A small line reader for exactly
 * that shape: anything else is ignored (the folder name is used then).
 */
export function readGradescopeMetadata(file: string): GradescopeSubmitters {
  const map: GradescopeSubmitters = new Map();
  let current: { name?: string; email?: string; sid?: string }[] | undefined;
  let person: { name?: string; email?: string; sid?: string } | undefined;
  const unquote = (v: string) => v.trim().replace(/^(['"])(.*)\1$/, "$2");
  for (const line of fs.readFileSync(file, "utf8").split(/\r?\n/)) {
    const top = line.match(/^(submission_\d+):\s*$/);
    if (top) {
      current = [];
      person = undefined;
      map.set(top[1], current);
      continue;
    }
    if (!current) continue;
    const field = line.match(/^\s*(-\s+)?:(name|email|sid):\s*(.*)$/);
    if (!field) continue;
    if (field[1] || !person) current.push((person = {}));
    const value = unquote(field[3]);
    if (value) person[field[2] as "name" | "email" | "sid"] = value;
  }
  return map;
}

export interface Candidate {
  file: string;
  readable: boolean;
  /** Exercises whose function is written (not the released stub). */
  attempted: number;
  copy?: string;
  mtimeMs: number;
}

/** The one notebook graded among a student's notebooks for one lesson (rule 4), and why. */
export function chooseOne<C extends Candidate>(candidates: C[]): { chosen: C; why: string } {
  const sorted = [...candidates].sort(
    (a, b) =>
      Number(b.readable) - Number(a.readable) ||
      b.attempted - a.attempted ||
      Number(!!a.copy) - Number(!!b.copy) ||
      b.mtimeMs - a.mtimeMs ||
      a.file.localeCompare(b.file),
  );
  const [chosen, next] = sorted;
  if (!next) return { chosen, why: "" };
  const why =
    chosen.readable && !next.readable
      ? "the others could not be read"
      : chosen.attempted > next.attempted
        ? "it has the most exercises done"
        : !chosen.copy && next.copy
          ? "it is the original, the others are copies"
          : chosen.mtimeMs > next.mtimeMs
            ? "it is the newest"
            : "they are alike: the first by path was taken";
  return { chosen, why };
}
