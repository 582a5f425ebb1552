/**
 * `npm run collect -- --from <homes folder or hub state folder> --lesson 01 --out submissions/`:
 * copies each student's notebooks of one lesson out of their homes into the layout the grader reads
 * (one folder per student: ./attribution rule 1), with a manifest of who handed in what
 * (docs/course-setup.md). What is collected: every notebook directly in a student's lessons folder
 * (~/vae-lab, where the hub seeds the lessons) whose name starts with the lesson's — the lesson
 * itself, Jupyter's "-Copy1" copies, the hub's "(updated …)" versions — so the grader's own rule
 * picks the one to grade (./attribution chooseOne) and names the others. After the deadline a file
 * is flagged late, never dropped; `npm run grade` shows the flag.
 * Collection runs as root on a course server, in folders students control: nothing is read through
 * a symbolic link, only regular files are copied, and names that the grader would not read as a
 * student are refused with a reason.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { formatOptions, invokedDirectly, parseCommandLine } from "../cli/args";
import { groupMembers, systemAccounts } from "../scripts/hub/accounts";
import { releasedLessons, LESSONS_FOLDER } from "../scripts/hub/seed";
import { SETTINGS_FILE, type HubSettings } from "../scripts/hub/settings";
import { csv, type CsvValue } from "../src/csv";
import { projectDir } from "./jail/bundle";
import { COLLECT_MANIFEST, COLLECT_MANIFEST_CSV, type CollectManifest, type StudentEntry } from "./collectManifest";
import { INTAKE_LIMITS } from "./notebook";

export {
  COLLECT_MANIFEST,
  COLLECT_MANIFEST_CSV,
  lateFiles,
  type CollectedFile,
  type CollectManifest,
  type StudentEntry,
} from "./collectManifest";

export interface CollectOptions {
  from: string;
  /** "01", "01_swiss_roll_vae" or the file name. */
  lesson: string;
  out: string;
  deadline?: Date;
  /** Students expected even if they have no home yet (reported as having nothing). */
  roster?: string[];
  /** The released lessons (default: the project's notebooks/). */
  lessonsDir?: string;
  now?: Date;
}

/** Bad usage (unknown lesson, missing --from, an --out that is not ours): the CLI exits 2. */
export class CollectError extends Error {}

/** The released lesson `id` names: "01" → "01_swiss_roll_vae". */
export function lessonStem(id: string, lessonsDir: string): string {
  const stems = releasedLessons(lessonsDir).map((f) => f.replace(/\.ipynb$/, ""));
  const want = id.replace(/\.ipynb$/, "");
  const hits = stems.filter((s) => s === want || s.startsWith(`${want}_`));
  if (hits.length === 1) return hits[0];
  throw new CollectError(
    hits.length
      ? `--lesson ${id} matches ${hits.join(", ")}: give the full name.`
      : `--lesson ${id} is not a lesson: use one of ${stems.join(", ")} (or its number, e.g. 01).`,
  );
}

/** A folder name the grader reads as this student (./grade.ts skips hidden folders, node_modules, __MACOSX). */
function unusableName(student: string): string | undefined {
  if (!/^[A-Za-z0-9_@+-][A-Za-z0-9._@+ -]*$/.test(student))
    return "the name has characters that are not safe in a folder name";
  if (student === "node_modules" || student === "__MACOSX") return "the grader does not read a folder of that name";
  return undefined;
}

/** Who has a home, and where: a folder of homes, or a hub's state folder (its hub.json says where the homes are). */
export function findHomes(
  from: string,
  roster: string[] = [],
): { homes: Map<string, string | undefined>; folder: string } {
  if (!fs.existsSync(from))
    throw new CollectError(
      `--from ${from} does not exist: give the folder of the students' homes (e.g. /home) or the hub's state folder (.cache/hub).`,
    );
  const settingsFile = path.join(from, SETTINGS_FILE);
  const homes = new Map<string, string | undefined>();
  let folder = LESSONS_FOLDER;
  if (fs.existsSync(settingsFile)) {
    const s = JSON.parse(fs.readFileSync(settingsFile, "utf8")) as HubSettings;
    folder = s.lessonsFolder ?? LESSONS_FOLDER;
    if (s.homes) return { homes: homesIn(s.homes, [...s.users, ...roster], folder), folder };
    for (const [user, home] of systemHomes(s.users, s.groups)) homes.set(user, home);
    for (const r of roster) if (!homes.has(r)) homes.set(r, systemHomes([r], []).get(r));
    return { homes, folder };
  }
  return { homes: homesIn(from, roster, folder), folder };
}

/** Each folder of `root` holding a lessons folder is a student; roster names without one are too. */
function homesIn(root: string, roster: string[], folder: string): Map<string, string | undefined> {
  const homes = new Map<string, string | undefined>();
  for (const e of fs.readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.isDirectory() && !e.name.startsWith(".") && fs.existsSync(path.join(root, e.name, folder)))
      homes.set(e.name, path.join(root, e.name));
  }
  for (const r of roster)
    if (!homes.has(r)) homes.set(r, fs.existsSync(path.join(root, r)) ? path.join(root, r) : undefined);
  return homes;
}

/** PAM hub: the listed users and the groups' members, with their homes (or every account whose home has lessons). */
function systemHomes(users: string[], groups: string[]): Map<string, string | undefined> {
  const accounts = systemAccounts();
  const wanted = new Set([...users, ...(groups.length ? groupMembers(groups) : [])]);
  const homes = new Map<string, string | undefined>();
  if (wanted.size === 0) {
    for (const [name, home] of accounts) if (fs.existsSync(path.join(home, LESSONS_FOLDER))) homes.set(name, home);
    return homes;
  }
  for (const name of [...wanted].sort()) homes.set(name, accounts.get(name));
  return homes;
}

/** Copies `source` (a regular file, never through a link) to `dest`, keeping its mtime; its size and sha256. */
function copyNoFollow(source: string, dest: string): { bytes: number; sha256: string; mtime: Date } {
  const fd = fs.openSync(source, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Error("not a regular file");
    if (st.size > INTAKE_LIMITS.fileBytes)
      throw new Error(
        `${Math.round(st.size / 2 ** 20)} MB, more than the grader reads (${INTAKE_LIMITS.fileBytes / 2 ** 20} MB)`,
      );
    const hash = createHash("sha256");
    const out = fs.openSync(dest, "wx", 0o644);
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      let bytes = 0;
      for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; bytes += n) {
        hash.update(buf.subarray(0, n));
        fs.writeSync(out, buf, 0, n);
      }
      fs.futimesSync(out, st.atime, st.mtime);
      return { bytes, sha256: hash.digest("hex"), mtime: st.mtime };
    } finally {
      fs.closeSync(out);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** --out must be empty, or a previous collection (whose copies are removed first). */
function prepareOut(out: string): void {
  if (!fs.existsSync(out)) return void fs.mkdirSync(out, { recursive: true });
  const entries = fs.readdirSync(out);
  if (entries.length === 0) return;
  const manifest = path.join(out, COLLECT_MANIFEST);
  if (!fs.existsSync(manifest))
    throw new CollectError(
      `--out ${out} is not empty and holds no ${COLLECT_MANIFEST}: collect into an empty folder (nothing else may be graded with the collected notebooks).`,
    );
  const old = JSON.parse(fs.readFileSync(manifest, "utf8")) as CollectManifest;
  for (const s of old.students ?? []) {
    for (const f of s.files ?? []) fs.rmSync(path.join(out, f.file), { force: true });
    const dir = path.join(out, s.student);
    if (fs.existsSync(dir) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  }
  fs.rmSync(manifest, { force: true });
  fs.rmSync(path.join(out, COLLECT_MANIFEST_CSV), { force: true });
}

export function collect(o: CollectOptions): CollectManifest {
  const lessonsDir = o.lessonsDir ?? path.join(projectDir, "notebooks");
  const stem = lessonStem(o.lesson, lessonsDir);
  const { homes, folder } = findHomes(o.from, o.roster);
  const out = path.resolve(o.out);
  prepareOut(out);
  const students: StudentEntry[] = [];
  for (const [student, home] of homes) {
    const entry: StudentEntry = { student, files: [] };
    students.push(entry);
    const unusable = unusableName(student);
    if (unusable) {
      entry.nothing = `not collected: ${unusable}; collect this student's notebook by hand`;
      continue;
    }
    const lessons = home && path.join(home, folder);
    let st: fs.Stats | undefined;
    try {
      st = lessons ? fs.lstatSync(lessons) : undefined;
    } catch {
      st = undefined;
    }
    if (!home || !st) {
      entry.nothing = home
        ? `no ~/${folder} folder: never logged in to the hub`
        : "no home folder: never logged in to the hub";
      continue;
    }
    if (!st.isDirectory()) {
      entry.nothing = `~/${folder} is ${st.isSymbolicLink() ? "a symbolic link" : "not a folder"}: not read`;
      continue;
    }
    const names = fs
      .readdirSync(lessons!)
      .filter((f) => f.startsWith(stem) && f.endsWith(".ipynb"))
      .sort();
    const refused: { file: string; reason: string }[] = [];
    for (const name of names) {
      const source = path.join(lessons!, name);
      const rel = path.join(student, name);
      fs.mkdirSync(path.join(out, student), { recursive: true });
      try {
        const c = copyNoFollow(source, path.join(out, rel));
        entry.files.push({
          file: rel,
          source,
          modified: c.mtime.toISOString(),
          bytes: c.bytes,
          sha256: c.sha256,
          late: !!o.deadline && c.mtime.getTime() > o.deadline.getTime(),
        });
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        refused.push({
          file: name,
          reason: err.code === "ELOOP" ? "a symbolic link: not followed" : `not collected (${err.message})`,
        });
      }
    }
    if (refused.length) entry.refused = refused;
    if (entry.files.length === 0) {
      entry.nothing = refused.length
        ? `no notebook of ${stem} could be collected`
        : `no ${stem} notebook in ~/${folder}`;
      if (fs.existsSync(path.join(out, student)) && fs.readdirSync(path.join(out, student)).length === 0)
        fs.rmdirSync(path.join(out, student));
    }
  }
  const manifest: CollectManifest = {
    version: 1,
    lesson: stem,
    from: path.resolve(o.from),
    collectedAt: (o.now ?? new Date()).toISOString(),
    deadline: o.deadline ? o.deadline.toISOString() : null,
    students,
  };
  fs.writeFileSync(path.join(out, COLLECT_MANIFEST), JSON.stringify(manifest, null, 1) + "\n");
  const rows = students.flatMap((s): CsvValue[][] =>
    s.files.length
      ? s.files.map((f) => [s.student, f.file, f.modified, f.bytes, f.sha256, f.late ? "late" : "", ""])
      : [[s.student, "", "", null, "", "", s.nothing ?? ""]],
  );
  fs.writeFileSync(
    path.join(out, COLLECT_MANIFEST_CSV),
    csv([["student", "file", "modified", "bytes", "sha256", "late", "note"], ...rows]),
  );
  return manifest;
}

const spec = {
  from: {
    type: "string",
    help: "the folder of the students' homes (one folder per student, e.g. /home), or the hub's state folder (.cache/hub)",
  },
  lesson: { type: "string", help: "the lesson to collect: its number (01) or name (01_swiss_roll_vae)" },
  out: {
    type: "string",
    default: "submissions",
    help: "where the copies go, one folder per student (empty, or a previous collection)",
  },
  deadline: {
    type: "string",
    help: "ISO 8601 date and time, e.g. 2026-12-03T23:59:00+01:00: notebooks saved later are flagged late (still collected)",
  },
  students: {
    type: "string",
    help: "the class roster, comma-separated: those without a home are listed as having nothing",
  },
  help: { type: "boolean", help: "show this help" },
} as const;

const usage = `Usage: npm run collect -- --from <homes or hub state> --lesson <01> [--out submissions] [--deadline ISO]
       vae-lab collect --from <homes or hub state> --lesson <01> [options]

Copies each student's notebooks of one lesson (~/${LESSONS_FOLDER}/<lesson>*.ipynb: the lesson and its
copies) into <out>/<student>/, with collect-manifest.json and .csv: who handed in which file, when it
was last saved, its size and SHA-256, late or not, and who has nothing. Then grade the folder:

  npm run collect -- --from .cache/hub --lesson 01 --out submissions/ --deadline 2026-12-10T23:59:00Z
  npm run grade -- submissions/

Options:
${formatOptions(spec)}
`;

export function main(argv: string[]): number {
  const parsed = parseCommandLine(argv, spec, usage, "npm run collect");
  if ("exit" in parsed) return parsed.exit;
  const a = parsed.args;
  const usageError = (m: string) => (process.stderr.write(`npm run collect: ${m}\n\n${usage}`), 2);
  if (!a.from) return usageError("give --from: the folder of the students' homes, or the hub's state folder.");
  if (!a.lesson) return usageError("give --lesson: the lesson's number (01) or name.");
  let deadline: Date | undefined;
  if (a.deadline) {
    deadline = new Date(a.deadline);
    if (!/^\d{4}-\d\d-\d\d/.test(a.deadline) || Number.isNaN(deadline.getTime()))
      return usageError(
        `--deadline "${a.deadline}" is not an ISO 8601 date and time (e.g. 2026-12-10T23:59:00+01:00).`,
      );
    if (!/[zZ]|[+-]\d\d:?\d\d$/.test(a.deadline))
      process.stderr.write(
        `npm run collect: --deadline ${a.deadline} has no time zone; read as this machine's local time (${deadline.toISOString()} UTC).\n`,
      );
  }
  try {
    const m = collect({
      from: a.from,
      lesson: a.lesson,
      out: a.out!,
      ...(deadline ? { deadline } : {}),
      roster: (a.students ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    });
    const w = (l = "") => process.stdout.write(l + "\n");
    for (const s of m.students) {
      if (s.files.length)
        w(
          `${s.student}: ${s.files.map((f) => `${path.basename(f.file)} (saved ${f.modified}${f.late ? ", LATE" : ""})`).join(", ")}`,
        );
      else w(`${s.student}: nothing (${s.nothing})`);
      for (const r of s.refused ?? []) w(`  not collected: ${r.file}: ${r.reason}`);
    }
    const handed = m.students.filter((s) => s.files.length).length;
    const late = m.students.filter((s) => s.files.some((f) => f.late)).length;
    w(
      `\n${m.lesson}: ${handed} of ${m.students.length} students handed something in${m.deadline ? `, ${late} late (after ${m.deadline})` : ""}. Manifest: ${path.join(a.out!, COLLECT_MANIFEST)} (and .csv).`,
    );
    w(`Next: npm run grade -- ${a.out}`);
    return 0;
  } catch (e) {
    process.stderr.write(`npm run collect: ${(e as Error).message}\n`);
    return e instanceof CollectError ? 2 : 1;
  }
}

if (invokedDirectly(import.meta.url)) process.exit(main(process.argv.slice(2)));
