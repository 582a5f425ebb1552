/**
 * Seeding a learner's home with the lessons (docs/course-setup.md, "What students get"): the one
 * place that decides what a student's lesson folder holds. The hub's pre-spawn hook runs it as the
 * student (scripts/hub/jupyterhub_config.py) before every server start; the container image runs it
 * as its start hook (deploy/). Rules, per released lesson (notebooks/*.ipynb, the student forms):
 *   - not in the folder: copied in (a new lesson, or one the student deleted);
 *   - the student's file is what we delivered and the lesson changed since: replaced (nothing of
 *     theirs is in it);
 *   - the student changed it and the lesson changed since: the new version arrives next to theirs as
 *     "<lesson> (updated YYYY-MM-DD).ipynb"; theirs is never touched;
 *   - otherwise: left alone.
 * What was delivered is remembered by hash in <folder>/.vae-lab-lessons.json (hidden: Jupyter, the
 * collector and the grader skip it). Symbolic links are never written through.
 * Notebooks import "vae-lab": <home>/node_modules/vae-lab links to the project, as in the project's
 * own node_modules, so the import resolves from anywhere in the home.
 *
 * @example
 * seedHome({ home: "/home/ada", lessons: "notebooks", project: "." });
 * //=> { added: ["00_setup_check.ipynb", …], replaced: [], updateCopies: [], kept: [] }
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { invokedDirectly } from "../../cli/args";

/** The folder of a home that holds the lessons (also where the collector looks). */
export const LESSONS_FOLDER = "vae-lab";
/** What was delivered, by hash: inside the lessons folder, hidden. */
export const RECORD_FILE = ".vae-lab-lessons.json";

export interface SeedOptions {
  /** The learner's home (created if missing). */
  home: string;
  /** The released student forms: the project's notebooks/. */
  lessons: string;
  /** The project whose library the notebooks import (linked as <home>/node_modules/vae-lab). */
  project: string;
  /** The lessons' folder inside the home (default LESSONS_FOLDER). */
  folder?: string;
  /** For the date in an update's name (tests). */
  now?: Date;
}

export interface SeedReport {
  folder: string;
  added: string[];
  replaced: string[];
  /** The new version of a lesson the student changed: [their file, the copy written next to it]. */
  updateCopies: [string, string][];
  kept: string[];
  /** Why the node_modules link was not made, when it was not. */
  linkProblem?: string;
}

interface Record {
  version: 1;
  /** Lesson file → sha256 of the release last delivered for it. */
  delivered: { [lesson: string]: string };
}

const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/** The released lessons: every *.ipynb directly in `dir`, sorted. */
export function releasedLessons(dir: string): string[] {
  if (!fs.existsSync(dir))
    throw new Error(
      `no lessons folder ${dir}: run this from the vae-lab project (its notebooks/ holds the student forms).`,
    );
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb") && !f.startsWith("."))
    .sort();
}

/** A real folder at `p` (created if missing); refuses a symbolic link or a file in its place. */
function realFolder(p: string, what: string): void {
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(p);
  } catch {
    fs.mkdirSync(p, { recursive: true, mode: 0o755 });
    return;
  }
  if (st.isSymbolicLink())
    throw new Error(
      `${what} ${p} is a symbolic link: lessons are never written through one. Remove the link and log in again.`,
    );
  if (!st.isDirectory()) throw new Error(`${what} ${p} is a file, not a folder: rename it and log in again.`);
}

function readRecord(file: string): Record {
  try {
    const r = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Record>;
    if (r && typeof r.delivered === "object" && r.delivered) return { version: 1, delivered: { ...r.delivered } };
  } catch {
    // missing or damaged: nothing is known to have been delivered (files that differ get update copies)
  }
  return { version: 1, delivered: {} };
}

/** Writes `data` to `file` only if nothing is there (never replaces; "wx" does not follow a dangling link either). */
function writeNew(file: string, data: Buffer): void {
  fs.writeFileSync(file, data, { flag: "wx", mode: 0o644 });
}

/** Replaces `file` (a regular file we delivered) by `data`, atomically. */
function replaceFile(file: string, data: Buffer): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, data, { flag: "wx", mode: 0o644 });
  fs.renameSync(tmp, file);
}

/** "01_swiss_roll_vae (updated 2026-12-03).ipynb", or with ", 2" … when that name is taken. */
function updateName(dir: string, lesson: string, now: Date): string {
  const stem = lesson.replace(/\.ipynb$/, "");
  const day = now.toISOString().slice(0, 10);
  for (let k = 1; ; k++) {
    const name = `${stem} (updated ${day}${k > 1 ? `, ${k}` : ""}).ipynb`;
    if (!fs.existsSync(path.join(dir, name)) && !isLink(path.join(dir, name))) return name;
  }
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** <home>/node_modules/vae-lab → the project (ours to replace when it is a link; a real folder is left alone). */
function linkLibrary(home: string, project: string): string | undefined {
  const target = fs.realpathSync(project);
  const dir = path.join(home, "node_modules");
  const link = path.join(dir, "vae-lab");
  try {
    realFolder(dir, "the folder");
    if (isLink(link)) {
      if (fs.readlinkSync(link) === target) return undefined;
      fs.unlinkSync(link);
    } else if (fs.existsSync(link)) {
      return `${link} exists and is not a link to vae-lab: the lessons' import "vae-lab" may not find the library.`;
    }
    fs.symlinkSync(target, link, "dir");
    return undefined;
  } catch (e) {
    return `could not link ${link} to ${target} (${(e as Error).message})`;
  }
}

export function seedHome(o: SeedOptions): SeedReport {
  const now = o.now ?? new Date();
  realFolder(o.home, "the home");
  const folder = path.join(o.home, o.folder ?? LESSONS_FOLDER);
  realFolder(folder, "the lessons folder");
  const recordFile = path.join(folder, RECORD_FILE);
  const record = readRecord(recordFile);
  const report: SeedReport = { folder, added: [], replaced: [], updateCopies: [], kept: [] };
  for (const lesson of releasedLessons(o.lessons)) {
    const released = fs.readFileSync(path.join(o.lessons, lesson));
    const rel = sha256(released);
    const target = path.join(folder, lesson);
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(target);
    } catch {
      st = undefined;
    }
    if (!st) {
      writeNew(target, released);
      report.added.push(lesson);
    } else if (!st.isFile()) {
      report.kept.push(lesson); // a link or a folder of the student's: not ours to touch
      continue;
    } else {
      const cur = sha256(fs.readFileSync(target));
      if (cur === rel || record.delivered[lesson] === rel) report.kept.push(lesson);
      else if (record.delivered[lesson] === cur) {
        replaceFile(target, released);
        report.replaced.push(lesson);
      } else {
        const copy = updateName(folder, lesson, now);
        writeNew(path.join(folder, copy), released);
        report.updateCopies.push([lesson, copy]);
      }
    }
    record.delivered[lesson] = rel;
  }
  const tmp = `${recordFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(record, null, 1) + "\n", { mode: 0o644 });
  fs.renameSync(tmp, recordFile);
  const linkProblem = linkLibrary(o.home, o.project);
  return linkProblem ? { ...report, linkProblem } : report;
}

/** One line for the hub's log. */
export function describeSeed(r: SeedReport): string {
  const parts = [
    r.added.length ? `added ${r.added.join(", ")}` : "",
    r.replaced.length ? `updated ${r.replaced.join(", ")} (unchanged by the student)` : "",
    ...r.updateCopies.map(([theirs, copy]) => `new version of ${theirs} as ${copy} (theirs kept)`),
  ].filter(Boolean);
  return `${r.folder}: ${parts.length ? parts.join("; ") : "up to date"}${r.linkProblem ? `; ${r.linkProblem}` : ""}`;
}

/** `seed.ts --lessons <dir> --project <dir> [--folder <name>] <home>`: what the hub's hook runs, as the student. */
function main(argv: string[]): number {
  const opts: { [name: string]: string } = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith("--")) opts[argv[i].slice(2)] = argv[++i];
    else positional.push(argv[i]);
  }
  const { lessons, project, folder } = opts;
  const home = positional[0];
  if (!home || !lessons || !project || positional.length > 1) {
    process.stderr.write(
      "usage: seed.ts --lessons <notebooks folder> --project <vae-lab project> [--folder vae-lab] <home>\n",
    );
    return 2;
  }
  try {
    process.stdout.write(describeSeed(seedHome({ home, lessons, project, ...(folder ? { folder } : {}) })) + "\n");
    return 0;
  } catch (e) {
    process.stderr.write(`vae-lab: preparing the lessons in ${home} failed: ${(e as Error).message}\n`);
    return 1;
  }
}

if (invokedDirectly(import.meta.url)) process.exit(main(process.argv.slice(2)));
