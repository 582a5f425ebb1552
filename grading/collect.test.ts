import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collect, COLLECT_MANIFEST, COLLECT_MANIFEST_CSV, CollectError, lateFiles, lessonStem, main } from "./collect";
import { collectInputs } from "./grade";

let tmp: string, homes: string, out: string;
const nb = (text: string) =>
  JSON.stringify({
    cells: [{ cell_type: "code", source: text, metadata: {}, outputs: [], execution_count: null }],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  });
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/** A notebook in a student's lessons folder, saved at `when`. */
function put(student: string, file: string, text: string, when = new Date("2026-12-03T12:00:00Z")): string {
  const dir = path.join(homes, student, "vae-lab");
  fs.mkdirSync(dir, { recursive: true });
  const f = path.join(dir, file);
  fs.writeFileSync(f, nb(text));
  fs.utimesSync(f, when, when);
  return f;
}

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vae-lab-collect-"));
  homes = path.join(tmp, "homes");
  out = path.join(tmp, "submissions");
  fs.mkdirSync(homes);
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("collecting a lesson from the students' homes", () => {
  it("copies each student's notebooks of the lesson into <out>/<student>/, with name, saved time, size and sha256", () => {
    put("ada", "01_swiss_roll_vae.ipynb", "ada's work");
    put("ada", "01_swiss_roll_vae-Copy1.ipynb", "ada's copy");
    put("ada", "02_mnist_vae.ipynb", "another lesson");
    put("ada", "Untitled.ipynb", "scratch");
    put("ben", "01_swiss_roll_vae (updated 2026-12-03).ipynb", "ben's update copy");
    const m = collect({ from: homes, lesson: "01", out });
    expect(m.lesson).toBe("01_swiss_roll_vae");
    expect(m.students.map((s) => [s.student, s.files.map((f) => f.file)])).toEqual([
      ["ada", ["ada/01_swiss_roll_vae-Copy1.ipynb", "ada/01_swiss_roll_vae.ipynb"]],
      ["ben", ["ben/01_swiss_roll_vae (updated 2026-12-03).ipynb"]],
    ]);
    const f = m.students[0].files[1];
    expect(f).toMatchObject({
      modified: "2026-12-03T12:00:00.000Z",
      bytes: nb("ada's work").length,
      sha256: sha(nb("ada's work")),
      late: false,
    });
    expect(fs.readFileSync(path.join(out, f.file), "utf8")).toBe(nb("ada's work"));
    expect(fs.statSync(path.join(out, f.file)).mtime.toISOString()).toBe(f.modified); // the grader's "newest" rule reads it
    expect(JSON.parse(fs.readFileSync(path.join(out, COLLECT_MANIFEST), "utf8"))).toEqual(m);
    expect(fs.readFileSync(path.join(out, COLLECT_MANIFEST_CSV), "utf8").split("\r\n")[0]).toBe(
      "student,file,modified,bytes,sha256,late,note",
    );
  });

  it("lists who has nothing, and why: no notebook of the lesson, or never logged in (from the roster)", () => {
    put("ada", "01_swiss_roll_vae.ipynb", "work");
    put("ben", "02_mnist_vae.ipynb", "only lesson 2");
    const m = collect({ from: homes, lesson: "01_swiss_roll_vae", out, roster: ["ada", "cleo"] });
    expect(m.students.map((s) => [s.student, s.files.length, s.nothing])).toEqual([
      ["ada", 1, undefined],
      ["ben", 0, "no 01_swiss_roll_vae notebook in ~/vae-lab"],
      ["cleo", 0, "no home folder: never logged in to the hub"],
    ]);
    expect(fs.existsSync(path.join(out, "ben"))).toBe(false);
    expect(fs.readFileSync(path.join(out, COLLECT_MANIFEST_CSV), "utf8")).toContain(
      "cleo,,,,,,no home folder: never logged in to the hub",
    );
  });

  it("flags files saved after the deadline as late, and still collects them", () => {
    put("ada", "01_swiss_roll_vae.ipynb", "on time", new Date("2026-12-03T11:00:00Z"));
    put("ben", "01_swiss_roll_vae.ipynb", "late", new Date("2026-12-03T13:00:00Z"));
    const m = collect({ from: homes, lesson: "01", out, deadline: new Date("2026-12-03T12:00:00Z") });
    expect(m.students.map((s) => [s.student, s.files[0].late])).toEqual([
      ["ada", false],
      ["ben", true],
    ]);
    expect(m.deadline).toBe("2026-12-03T12:00:00.000Z");
    expect([...lateFiles(out)]).toEqual([path.join(out, "ben", "01_swiss_roll_vae.ipynb")]);
  });

  it("reads nothing through a symbolic link: a linked notebook or lessons folder is refused with its reason", () => {
    const secret = path.join(tmp, "secret.ipynb");
    fs.writeFileSync(secret, nb("someone else's"));
    put("ada", "01_swiss_roll_vae.ipynb", "mine");
    fs.symlinkSync(secret, path.join(homes, "ada", "vae-lab", "01_swiss_roll_vae-Copy1.ipynb"));
    fs.mkdirSync(path.join(homes, "ben"));
    fs.symlinkSync(path.join(homes, "ada", "vae-lab"), path.join(homes, "ben", "vae-lab"));
    const m = collect({ from: homes, lesson: "01", out });
    expect(m.students[0].files.map((f) => f.file)).toEqual(["ada/01_swiss_roll_vae.ipynb"]);
    expect(m.students[0].refused).toEqual([
      { file: "01_swiss_roll_vae-Copy1.ipynb", reason: "a symbolic link: not followed" },
    ]);
    expect(m.students[1]).toMatchObject({
      student: "ben",
      files: [],
      nothing: "~/vae-lab is a symbolic link: not read",
    });
    expect(fs.readdirSync(out).sort()).toEqual([COLLECT_MANIFEST_CSV, COLLECT_MANIFEST, "ada"].sort());
  });

  it("reads a hub's state folder: the homes and the users it lets in", () => {
    const state = path.join(tmp, "hub");
    fs.mkdirSync(state);
    fs.writeFileSync(
      path.join(state, "hub.json"),
      JSON.stringify({ homes, users: ["ada", "ben"], groups: [], lessonsFolder: "vae-lab" }),
    );
    put("ada", "01_swiss_roll_vae.ipynb", "work");
    const m = collect({ from: state, lesson: "01", out });
    expect(m.students.map((s) => [s.student, s.files.length])).toEqual([
      ["ada", 1],
      ["ben", 0],
    ]);
  });

  it("collects again into its own earlier output, and refuses any other non-empty folder", () => {
    put("ada", "01_swiss_roll_vae.ipynb", "first");
    put("ada", "01_swiss_roll_vae-Copy1.ipynb", "a copy, deleted later");
    collect({ from: homes, lesson: "01", out });
    fs.rmSync(path.join(homes, "ada", "vae-lab", "01_swiss_roll_vae-Copy1.ipynb"));
    put("ada", "01_swiss_roll_vae.ipynb", "second");
    collect({ from: homes, lesson: "01", out });
    expect(fs.readdirSync(path.join(out, "ada"))).toEqual(["01_swiss_roll_vae.ipynb"]);
    expect(fs.readFileSync(path.join(out, "ada", "01_swiss_roll_vae.ipynb"), "utf8")).toBe(nb("second"));
    const other = path.join(tmp, "other");
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, "notes.txt"), "");
    expect(() => collect({ from: homes, lesson: "01", out: other })).toThrow(CollectError);
  });

  it("names the lessons when --lesson is not one, and hands the grader a folder it reads without complaint", () => {
    expect(() => lessonStem("7", "notebooks")).toThrow(/not a lesson: use one of 00_setup_check, 01_swiss_roll_vae/);
    expect(lessonStem("02", "notebooks")).toBe("02_mnist_vae");
    put("ada", "01_swiss_roll_vae.ipynb", "work");
    collect({ from: homes, lesson: "01", out });
    const found = collectInputs([out]);
    expect(found.notebooks.map((n) => path.relative(out, n.file))).toEqual(["ada/01_swiss_roll_vae.ipynb"]);
    expect(found.skipped).toEqual([]); // the manifest is the collector's index, not an ungraded file
  });

  it("is also vae-lab collect", () => {
    const r = spawnSync(process.execPath, [path.join("grading", "bin", "vae-lab.mjs"), "collect", "--help"], {
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("vae-lab collect --from");
  });

  it("exits 2 with the reason for a missing --from or a deadline that is not a date", () => {
    const err = process.stderr.write;
    let said = "";
    process.stderr.write = ((s: string) => ((said += s), true)) as typeof process.stderr.write;
    try {
      expect(main(["--lesson", "01"])).toBe(2);
      expect(said).toContain("give --from");
      said = "";
      expect(main(["--from", homes, "--lesson", "01", "--deadline", "next friday"])).toBe(2);
      expect(said).toContain('--deadline "next friday" is not an ISO 8601 date');
    } finally {
      process.stderr.write = err;
    }
  });
});
