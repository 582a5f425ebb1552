/**
 * Attribution: every naming case seen in real class folders, each with the student id it must give,
 * and the rule that picks one notebook per student and lesson.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { attribute, chooseOne, dropCopyMarkers, readGradescopeMetadata } from "./attribution";
import { tempDir } from "./testing/fixtures";

const LESSONS = ["01_swiss_roll_vae", "02_mnist_vae"];
const ROOT = "/class";
const who = (rel: string, root = ROOT) => attribute(path.join(root, rel), root, LESSONS);

describe("a notebook in a folder", () => {
  it("belongs to the folder, even when its file name names someone else", () => {
    expect(who("zz/alice_01_swiss_roll_vae.ipynb")).toMatchObject({ student: "zz", rule: "folder" });
  });

  it("belongs to the folder when it is Jupyter's copy (-Copy1), which is marked as a copy", () => {
    expect(who("alice/01_swiss_roll_vae-Copy1.ipynb")).toEqual({ student: "alice", rule: "folder", copy: "-Copy1" });
  });

  it("belongs to the folder when it is a browser's download copy ( (1))", () => {
    expect(who("jane/01_swiss_roll_vae (1).ipynb")).toEqual({ student: "jane", rule: "folder", copy: " (1)" });
  });

  it("with a generic name (homework.ipynb) belongs to its own folder, so two students never merge", () => {
    expect([who("alice/homework.ipynb").student, who("bob/homework.ipynb").student]).toEqual(["alice", "bob"]);
  });

  it("deeper down belongs to the top folder below the input", () => {
    expect(who("alice/week1/lesson/01_swiss_roll_vae.ipynb").student).toBe("alice");
  });

  it("keeps folder names that differ only in spaces or underscores apart", () => {
    expect([who("al ice/01_swiss_roll_vae.ipynb").student, who("al_ice/01_swiss_roll_vae.ipynb").student]).toEqual([
      "al ice",
      "al_ice",
    ]);
  });

  it("in a Moodle submission folder belongs to the name and participant id Moodle gives it", () => {
    expect(who("Jane Smith_12345_assignsubmission_file_/01_swiss_roll_vae.ipynb")).toMatchObject({
      student: "Jane Smith_12345",
      lms: "moodle",
      lmsId: "12345",
    });
    expect(who("Jane Smith_12345_assignsubmission_file/01_swiss_roll_vae.ipynb").student).toBe("Jane Smith_12345");
  });

  it("in a Gradescope export folder belongs to the submitter in submission_metadata.yml, else to the folder", () => {
    const submitters = new Map([["submission_987654", [{ name: "Jane Smith", email: "jane@uni.edu", sid: "42" }]]]);
    expect(attribute("/class/submission_987654/01_swiss_roll_vae.ipynb", ROOT, LESSONS, submitters)).toMatchObject({
      student: "jane@uni.edu",
      lms: "gradescope",
      lmsId: "987654",
      email: "jane@uni.edu",
    });
    expect(who("submission_111/01_swiss_roll_vae.ipynb")).toMatchObject({
      student: "submission_111",
      lms: "gradescope",
    });
  });
});

describe("a notebook directly in the input folder (flat)", () => {
  it("is named by the file name before the lesson's name (else after it)", () => {
    expect(who("bob_01_swiss_roll_vae.ipynb")).toEqual({ student: "bob", rule: "file name (flat folder)" });
    expect(who("01_swiss_roll_vae_bob.ipynb").student).toBe("bob");
    expect(who("carol.ipynb").student).toBe("carol");
    expect(who("reparameterize--no-eps_01_swiss_roll_vae.ipynb").student).toBe("reparameterize--no-eps");
    expect(who("ann_01_swiss_roll_vae_v2.ipynb").student).toBe("ann");
  });

  it("drops Jupyter's and browsers' copy markers before reading the name", () => {
    expect(who("bob_01_swiss_roll_vae-Copy2.ipynb")).toMatchObject({ student: "bob", copy: "-Copy2" });
    expect(who("bob_01_swiss_roll_vae (3).ipynb")).toMatchObject({ student: "bob", copy: " (3)" });
    expect(who("bob_01_swiss_roll_vae-Copy1 (1).ipynb")).toMatchObject({ student: "bob", copy: "-Copy1 (1)" });
  });

  it("that is only the lesson's name (or a copy of it) belongs to the input folder's name", () => {
    expect(who("01_swiss_roll_vae.ipynb", "/subs/alice")).toMatchObject({ student: "alice" });
    expect(who("01_swiss_roll_vae-Copy1.ipynb", "/subs/alice")).toMatchObject({ student: "alice", copy: "-Copy1" });
  });

  it("with a Canvas download name belongs to the Canvas login name and user id", () => {
    expect(who("smithjane_12345_67890_01_swiss_roll_vae.ipynb")).toEqual({
      student: "smithjane_12345",
      rule: "Canvas download name",
      lms: "canvas",
      lmsId: "12345",
    });
  });

  it("with Canvas's late mark is the same student, marked late", () => {
    expect(who("smithjane_LATE_12345_67891_01_swiss_roll_vae.ipynb")).toMatchObject({
      student: "smithjane_12345",
      late: true,
    });
  });

  it("with Canvas's resubmission suffix (-1) or a Jupyter copy in the original name is the same student, marked as a copy", () => {
    expect(who("smithjane_12345_67892_01_swiss_roll_vae-1.ipynb")).toMatchObject({
      student: "smithjane_12345",
      copy: "-1",
    });
    expect(who("smithjane_12345_67893_01_swiss_roll_vae-Copy1.ipynb")).toMatchObject({
      student: "smithjane_12345",
      copy: "-Copy1",
    });
  });

  it("with a Moodle download name belongs to the name and participant id", () => {
    expect(who("Jane Smith_12345_assignsubmission_file_01_swiss_roll_vae.ipynb")).toMatchObject({
      student: "Jane Smith_12345",
      lms: "moodle",
      lmsId: "12345",
    });
  });
});

describe("copy markers", () => {
  it("are only trailing Jupyter/browser markers, never the whole name", () => {
    expect(dropCopyMarkers("lesson-Copy1")).toEqual({ stem: "lesson", copy: "-Copy1" });
    expect(dropCopyMarkers("(1)")).toEqual({ stem: "(1)" });
    expect(dropCopyMarkers("report 2024")).toEqual({ stem: "report 2024" });
  });
});

describe("Gradescope's submission_metadata.yml", () => {
  const dir = tempDir("gsmeta");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("gives each submission folder its submitters", () => {
    const file = path.join(dir, "submission_metadata.yml");
    fs.writeFileSync(
      file,
      [
        "---",
        "submission_123:",
        "  :submitters:",
        "  - :name: Jane Smith",
        "    :sid: '42'",
        "    :email: jane@uni.edu",
        "  :created_at: 2026-11-30 10:00:00.000000000 -08:00",
        "  :score: 8.0",
        "submission_124:",
        "  :submitters:",
        '  - :name: "Bo Li"',
        "    :email: bo@uni.edu",
        "  - :name: Ann Lee",
        "    :email: ann@uni.edu",
        "",
      ].join("\n"),
    );
    const m = readGradescopeMetadata(file);
    expect(m.get("submission_123")).toEqual([{ name: "Jane Smith", sid: "42", email: "jane@uni.edu" }]);
    expect(m.get("submission_124")?.map((p) => p.email)).toEqual(["bo@uni.edu", "ann@uni.edu"]);
  });
});

describe("one notebook per student and lesson", () => {
  const c = (
    file: string,
    over: Partial<{ readable: boolean; attempted: number; copy: string; mtimeMs: number }> = {},
  ) => ({ file, readable: true, attempted: 2, mtimeMs: 1000, ...over });

  it("prefers a readable notebook to an unreadable one", () => {
    expect(chooseOne([c("a", { readable: false, attempted: 0 }), c("b", { attempted: 0 })])).toEqual({
      chosen: c("b", { attempted: 0 }),
      why: "the others could not be read",
    });
  });

  it("then the one with the most exercises done (a worked copy beats the untouched original)", () => {
    const r = chooseOne([c("01.ipynb", { attempted: 0 }), c("01-Copy1.ipynb", { copy: "-Copy1" })]);
    expect(r.chosen.file).toBe("01-Copy1.ipynb");
    expect(r.why).toBe("it has the most exercises done");
  });

  it("then the original before a copy, then the newest, then path order", () => {
    expect(chooseOne([c("b", { copy: "-Copy1", mtimeMs: 5000 }), c("a")]).chosen.file).toBe("a");
    expect(chooseOne([c("a"), c("b", { mtimeMs: 2000 })])).toMatchObject({
      chosen: { file: "b" },
      why: "it is the newest",
    });
    expect(chooseOne([c("b"), c("a")])).toMatchObject({
      chosen: { file: "a" },
      why: "they are alike: the first by path was taken",
    });
  });
});
