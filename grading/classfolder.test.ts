/**
 * A realistic class folder graded end to end: per-student folders with Jupyter and browser copies,
 * a file named after another student, generic names, ids that collide as file names, an unreadable
 * notebook, hidden folders and other files, plus a Canvas bulk download — then every report and
 * export checked: who got which grade, what was not graded and why, and each format's columns.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { correctSources, mistakeSources } from "./catalogue";
import { main } from "./cli";
import { gradeBatch, NoNotebooksError, type BatchResult } from "./grade";
import { hiddenSuites } from "./hidden/index";
import { projectDir } from "./jail/bundle";
import { MANIFEST } from "./manifest";
import { lesson1Template, readNotebook, submission, tempDir, writeNotebook } from "./testing/fixtures";

const MARKUP = "[x](javascript:alert(1)) <b>bold<b> <img src=x onerror=alert(1)>";
let root: string, out: string, classDir: string, canvasDir: string, batch: BatchResult;
const r = (s: string) => batch.results.find((x) => x.student === s)!;
const read = (rel: string) => fs.readFileSync(path.join(out, rel), "utf8");
/** Markdown with its backslash escapes removed, to look for the words. */
const plain = (md: string) => md.replace(/\\(.)/g, "$1");

beforeAll(async () => {
  root = tempDir("class");
  out = path.join(root, "out");
  classDir = path.join(root, "class");
  canvasDir = path.join(root, "canvas-download");
  const right = submission(lesson1Template(), correctSources);
  const stub = readNotebook(path.join(projectDir, "notebooks", "01_swiss_roll_vae.ipynb"));
  const put = (rel: string, nb: unknown) => writeNotebook(classDir, rel, nb as never);
  put("alice/01_swiss_roll_vae.ipynb", stub);
  put("alice/01_swiss_roll_vae-Copy1.ipynb", right);
  put("alice/.ipynb_checkpoints/01_swiss_roll_vae-checkpoint.ipynb", right);
  put(
    "zz/alice_01_swiss_roll_vae.ipynb",
    submission(lesson1Template(), {
      reparameterize: mistakeSources.reparameterize["no-eps"],
      computeVaeLoss: correctSources.computeVaeLoss,
    }),
  );
  put("jane/01_swiss_roll_vae (1).ipynb", right);
  put("al ice/01_swiss_roll_vae.ipynb", right);
  put("al_ice/01_swiss_roll_vae.ipynb", stub);
  put("Al_ice/homework.ipynb", right);
  put("bob/broken.ipynb", "{ not json");
  put(".hidden/01_swiss_roll_vae.ipynb", right);
  const odd = structuredClone(right);
  odd.metadata.kernelspec = { name: "<script>alert(1)</script>", language: "typescript", display_name: "x" };
  put(`${MARKUP}/01_swiss_roll_vae.ipynb`, odd);
  fs.writeFileSync(path.join(classDir, "notes.txt"), "TA notes");
  writeNotebook(canvasDir, "smithjane_12345_67890_01_swiss_roll_vae.ipynb", stub);
  writeNotebook(canvasDir, "smithjane_LATE_12345_67891_01_swiss_roll_vae.ipynb", right);
  writeNotebook(canvasDir, "doejohn_23456_67895_01_swiss_roll_vae.ipynb", right);
  batch = await gradeBatch({ inputs: [classDir, canvasDir], outDir: out, jobs: 2, progress: false });
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("a class folder with an LMS download", () => {
  it("credits every notebook to the right student, and only real students appear", () => {
    expect(batch.exitCode).toBe(0);
    expect(batch.results.map((x) => x.student).sort()).toEqual(
      ["Al_ice", MARKUP, "al ice", "al_ice", "alice", "bob", "doejohn_23456", "jane", "smithjane_12345", "zz"].sort(),
    );
    expect(r("alice")).toMatchObject({ score: 8, maxScore: 8 });
    expect(r("zz").score).toBeLessThan(8);
    expect(r("jane").score).toBe(8);
    expect([r("al ice").score, r("al_ice").score, r("Al_ice").score]).toEqual([8, 0, 8]);
  });

  it("grades one notebook per student and lesson and names the others in the feedback, the summary and the CLI", async () => {
    const note =
      "You handed in 2 notebooks for 01_swiss_roll_vae: 01_swiss_roll_vae-Copy1.ipynb was graded (it has the most exercises done); not graded: 01_swiss_roll_vae.ipynb.";
    expect(r("alice").notes).toContain(note);
    expect(plain(read(`feedback/${batch.info.outputNames.alice}.md`))).toContain(note);
    expect(plain(read("summary.md"))).toMatch(
      /alice: 2 notebooks for one lesson; graded 01_swiss_roll_vae-Copy1\.ipynb \(it has the most exercises done\), not 01_swiss_roll_vae\.ipynb/,
    );
    expect(plain(read("summary.md"))).toMatch(
      /alice\/01_swiss_roll_vae\.ipynb \| alice \(folder\) \| 01_swiss_roll_vae \| not graded: .*alice\/01_swiss_roll_vae-Copy1\.ipynb was graded instead \(it has the most exercises done\)/,
    );
    const dup = batch.info.notebooks.find((n) => n.file.endsWith(path.join("alice", "01_swiss_roll_vae.ipynb")))!;
    expect(dup).toMatchObject({ status: "duplicate", student: "alice", reason: "it has the most exercises done" });
    expect(dup.duplicateOf).toMatch(/01_swiss_roll_vae-Copy1\.ipynb$/);
    const lines: string[] = [];
    const saved = process.stdout.write;
    process.stdout.write = ((s: string) => (lines.push(s), true)) as never;
    try {
      expect(await main([classDir, canvasDir, "--out", path.join(root, "cli-out"), "--jobs", "2"])).toBe(0);
    } finally {
      process.stdout.write = saved;
    }
    const text = lines.join("");
    expect(text).toMatch(/alice: 2 notebooks for one lesson; graded 01_swiss_roll_vae-Copy1\.ipynb/);
    expect(text).toMatch(/bob: nothing readable was handed in/);
    expect(text.trim().split("\n").slice(-2).join("\n")).toMatch(
      /^Reports in .*cli-out\/: summary\.html \(the TA's view\), gradebook\.csv, results\.json.*\n.*feedback\/.*exports\/canvas\.csv/,
    );
  });

  it("treats Canvas's late copy as the same student, grades the worked one and marks it late", () => {
    expect(r("smithjane_12345").score).toBe(8);
    expect(batch.info.identities.smithjane_12345).toMatchObject({ lms: "canvas", lmsId: "12345", late: true });
    expect(read("gradebook.csv")).toMatch(/\r\nsmithjane_12345,4,4,8,8,graded; 1 duplicate\(s\) not graded; late\r\n/);
  });

  it("gives students whose ids collide as file names their own feedback files", () => {
    const names = ["al ice", "al_ice", "Al_ice"].map((s) => batch.info.outputNames[s]);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(3);
    expect(names[0]).toMatch(/^al_ice-[0-9a-f]{8}$/); // "al ice" is not a safe file name
    expect(names[1]).toMatch(/^al_ice-[0-9a-f]{8}$/); // safe, but "Al_ice" differs only in case
    expect(names[2]).toMatch(/^Al_ice-[0-9a-f]{8}$/);
    expect(plain(read(`feedback/${names[0]}.md`))).toMatch(/^# Feedback for al ice\n[\s\S]*Total: 8 of 8/);
    expect(plain(read(`feedback/${names[1]}.md`))).toMatch(/^# Feedback for al_ice\n[\s\S]*Total: 0 of 8/);
  });

  it("lists every input notebook with its status, and everything not graded with why", () => {
    const all = JSON.parse(read("results.json"));
    const files = all.notebooks.map((n: { file: string }) => path.basename(n.file)).sort();
    expect(files).toHaveLength(12);
    expect(all.notebooks.find((n: { file: string }) => n.file.endsWith("broken.ipynb"))).toMatchObject({
      student: "bob",
      status: "unreadable",
      reason: expect.stringMatching(/not a valid notebook file/),
    });
    const skipped = batch.info.skipped.map((s) => `${s.file} — ${s.reason}`).join("\n");
    expect(skipped).toMatch(/\.hidden\/ — a hidden folder/);
    expect(skipped).toMatch(/\.ipynb_checkpoints\/ — Jupyter's autosave checkpoints/);
    expect(skipped).toMatch(/notes\.txt — not a notebook/);
    const md = plain(read("summary.md"));
    expect(md).toMatch(/broken\.ipynb \| bob \(folder\) \| \? \| unreadable: it is not a valid notebook file/);
    expect(md).toMatch(/\.hidden\/: a hidden folder/);
    expect(read("summary.html")).toMatch(/broken\.ipynb<\/td><td>bob<\/td>/);
  });

  it("shows the TA every student with status, points and a working link to their feedback", () => {
    const html = read("summary.html");
    for (const x of batch.results) {
      const link = `feedback/${batch.info.outputNames[x.student]}.md`;
      expect(html).toContain(`<a href="${encodeURI(link).replace(/&/g, "&amp;")}">feedback</a>`);
      expect(fs.existsSync(path.join(out, link)), link).toBe(true);
    }
    expect(html).toMatch(/<td>bob<\/td><td>unreadable<\/td><td>0 \/ 8<\/td>/);
    expect(html).toMatch(/<h2>Needs a human look<\/h2>\n<ul><li>[\s\S]*smithjane_12345: marked late by the LMS/);
    expect(html).toMatch(/Most common mistakes/);
  });

  it("escapes student-controlled text in every report", () => {
    const md = read("summary.md") + read(`feedback/${batch.info.outputNames[MARKUP]}.md`);
    expect(md).not.toMatch(/<b>|<script>|<img|(^|[^\\])\]\(javascript/m);
    expect(read(`feedback/${batch.info.outputNames[MARKUP]}.md`).split("\n")[0]).toBe(
      "# Feedback for \\[x\\](javascript:alert(1)) &lt;b&gt;bold&lt;b&gt; &lt;img src=x onerror=alert(1)&gt;",
    );
    expect(plain(md)).toContain("&lt;script&gt;");
    const html = read("summary.html");
    expect(html).not.toMatch(/<b>bold|<script>alert|<img src/);
    const gs = JSON.parse(read(`gradescope/${batch.info.outputNames[MARKUP]}/results.json`));
    expect(gs.output).toMatch(/&lt;script&gt;/);
    expect(gs.output).not.toMatch(/<script>/);
  });
});

describe("Gradescope's results.json", () => {
  const hiddenNames = Object.values(hiddenSuites).flatMap((s) => s.checks.map((c) => c.name));

  it("has the spec's fields, a score that is exactly the sum of the tests, and Markdown output", () => {
    for (const x of batch.results) {
      const gs = JSON.parse(read(`gradescope/${batch.info.outputNames[x.student]}/results.json`));
      expect(Object.keys(gs).sort()).toEqual([
        "execution_time",
        "output",
        "output_format",
        "score",
        "stdout_visibility",
        "test_output_format",
        "tests",
      ]);
      expect([gs.output_format, gs.test_output_format, gs.stdout_visibility]).toEqual(["md", "md", "hidden"]);
      expect(gs.score).toBeCloseTo(
        gs.tests.reduce((s: number, t: { score: number }) => s + t.score, 0),
        9,
      );
      expect(gs.score).toBeCloseTo(x.score, 9);
      for (const t of gs.tests) {
        expect(t.score).toBeGreaterThanOrEqual(0);
        expect(t.score).toBeLessThanOrEqual(t.max_score);
        expect(["passed", "failed"]).toContain(t.status);
        expect(t.visibility).toBe(t.number.includes(".hidden.") ? "after_published" : "visible");
      }
    }
  });

  it("shows students before publication only what the public checks say: no hidden test, count or jail warning", () => {
    const gs = JSON.parse(read(`gradescope/${batch.info.outputNames.zz}/results.json`));
    expect(gs.output).toMatch(/\*\*reparameterize\*\*: \d of 6 public checks passed \(\d+(\.\d+)? of 1\.5 points\)/);
    const hiddenPoints = MANIFEST.filter(
      (t) => t.suite === "hidden" && ["reparameterize", "computeVaeLoss"].includes(t.exercise),
    ).reduce((s, t) => s + t.points, 0);
    expect(gs.output).toContain(
      `Hidden tests (${hiddenPoints} points) and your total are shown when your instructor publishes the grades`,
    );
    expect(gs.output).not.toMatch(/of 9 tests|of 10 tests|tests passed\)/);
    for (const name of hiddenNames) expect(plain(gs.output)).not.toContain(name);
    expect(gs.output).not.toMatch(/bubblewrap|jail|sandbox/i);
  });
});

describe("exports", () => {
  it("Canvas: the import columns, a Points Possible row, Canvas ids from download names, one column per lesson", () => {
    const rows = read("exports/canvas.csv").split("\r\n");
    expect(rows[0]).toBe("Student,ID,SIS User ID,SIS Login ID,Section,01_swiss_roll_vae");
    expect(rows[1]).toBe("Points Possible,,,,,8");
    expect(rows).toContain("smithjane,12345,,,,8");
    expect(rows).toContain("doejohn,23456,,,,8");
    expect(rows).toContain("alice,,,,,8");
    expect(rows).toContain("bob,,,,,0");
  });

  it("Moodle: a column per exercise with its maximum, total, status, and the ids Moodle gave", () => {
    const rows = read("exports/moodle.csv").split("\r\n");
    expect(rows[0]).toBe(
      "Student,Full name,Email address,Moodle participant,reparameterize (4),computeVaeLoss (4),Total,Status",
    );
    expect(rows).toContain("alice,alice,,,4,4,8,graded; 1 duplicate(s) not graded");
  });

  it("GitHub Classroom: the reporter's result format (version 1) per student, and its workflow", () => {
    const res = JSON.parse(read(`exports/github-classroom/${batch.info.outputNames.zz}.json`));
    expect(res).toMatchObject({ version: 1, status: "fail", max_score: 8 });
    expect(res.tests.reduce((s: number, t: { score: number }) => s + t.score, 0)).toBeCloseTo(r("zz").score, 9);
    for (const t of res.tests)
      expect(Object.keys(t).sort()).toEqual([
        "duration",
        "filename",
        "line_no",
        "message",
        "name",
        "score",
        "status",
        "test_code",
      ]);
    expect(JSON.parse(read(`exports/github-classroom/${batch.info.outputNames.jane}.json`)).status).toBe("pass");
    const yml = read("exports/github-classroom/classroom.yml");
    expect(yml).toMatch(/^name: Autograding Tests\n/);
    expect(yml).toMatch(/\n {2}run-autograding-tests:\n/);
    expect(yml).toMatch(
      /uses: classroom-resources\/autograding-grading-reporter@v1\n\s+env:\n\s+VAELAB_RESULTS: "\$\{\{ steps\.vaelab\.outputs\.result \}\}"\n\s+with:\n\s+runners: vaelab/,
    );
  });
});

describe("Gradescope and Moodle downloads", () => {
  it("credit the submitter named in submission_metadata.yml and the Moodle participant, and the exports carry their ids", async () => {
    const gs = path.join(root, "gradescope-export");
    writeNotebook(gs, "submission_987654/01_swiss_roll_vae.ipynb", submission(lesson1Template(), correctSources));
    fs.writeFileSync(
      path.join(gs, "submission_metadata.yml"),
      "---\nsubmission_987654:\n  :submitters:\n  - :name: Jane Smith\n    :sid: '42'\n    :email: jane@uni.edu\n",
    );
    const moodle = path.join(root, "moodle-download");
    writeNotebook(
      moodle,
      "Bo Li_31337_assignsubmission_file_/01_swiss_roll_vae.ipynb",
      submission(lesson1Template(), correctSources),
    );
    const o = path.join(root, "lms-out");
    const b = await gradeBatch({ inputs: [gs, moodle], outDir: o, jobs: 2, progress: false });
    expect(b.results.map((x) => [x.student, x.score])).toEqual([
      ["Bo Li_31337", 8],
      ["jane@uni.edu", 8],
    ]);
    expect(b.info.skipped).toEqual([]); // the metadata file is read, not skipped
    const rows = fs.readFileSync(path.join(o, "exports", "moodle.csv"), "utf8").split("\r\n");
    expect(rows).toContain("Bo Li_31337,Bo Li,,31337,4,4,8,graded");
    expect(rows).toContain("jane@uni.edu,jane@uni.edu,jane@uni.edu,,4,4,8,graded");
  });
});

describe("an input with nothing to grade", () => {
  it("is an error naming what was looked for, exit 2 from the CLI", async () => {
    const empty = path.join(root, "empty");
    fs.mkdirSync(empty);
    await expect(gradeBatch({ inputs: [empty], outDir: path.join(root, "o1"), progress: false })).rejects.toThrow(
      NoNotebooksError,
    );
    await expect(gradeBatch({ inputs: [empty], outDir: path.join(root, "o1"), progress: false })).rejects.toThrow(
      /no notebooks \(\*\.ipynb\) to grade in .*empty: looked in every folder below, for the lessons 01_swiss_roll_vae\.ipynb.* The input is empty\./,
    );
    const other = path.join(root, "only-text");
    fs.mkdirSync(path.join(other, ".git"), { recursive: true });
    fs.writeFileSync(path.join(other, "answers.py"), "print(1)");
    await expect(gradeBatch({ inputs: [other], outDir: path.join(root, "o2"), progress: false })).rejects.toThrow(
      /Found instead: .*\.git\/ \(a hidden folder.*answers\.py \(not a notebook/,
    );
    const errors: string[] = [];
    const saved = process.stderr.write;
    process.stderr.write = ((s: string) => (errors.push(s), true)) as never;
    try {
      expect(await main([empty, "--out", path.join(root, "o3")])).toBe(2);
    } finally {
      process.stderr.write = saved;
    }
    expect(errors.join("")).toMatch(/no notebooks \(\*\.ipynb\) to grade/);
  });
});
