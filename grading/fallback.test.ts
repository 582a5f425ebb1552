/**
 * Without bubblewrap the grader still grades (rlimits, a non-root uid when run as root, a clean
 * environment, Node's permission model), and says so loudly in every report — never silently.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { correctSources } from "./catalogue";
import { gradescopeStdout } from "./exports";
import { gradeBatch, type BatchResult } from "./grade";
import { lesson1Template, submission, tempDir, writeNotebook } from "./testing/fixtures";

let root: string, batch: BatchResult;
beforeAll(async () => {
  process.env.VAE_LAB_JAIL = "rlimits"; // before the grader's first jail detection in this process
  root = tempDir("fallback");
  writeNotebook(root, "subs/ok_01_swiss_roll_vae.ipynb", submission(lesson1Template(), correctSources));
  writeNotebook(
    root,
    "subs/loop_01_swiss_roll_vae.ipynb",
    submission(lesson1Template(), {
      reparameterize: correctSources.reparameterize,
      computeVaeLoss: "function computeVaeLoss() {\n  while (true) {}\n}",
    }),
  );
  const saved = process.stderr.write;
  process.stderr.write = (() => true) as never; // the loud line on stderr is checked through the reports below
  try {
    batch = await gradeBatch({
      inputs: [path.join(root, "subs")],
      outDir: path.join(root, "out"),
      progress: false,
      limits: { callMs: 2000 },
    });
  } finally {
    process.stderr.write = saved;
  }
});
afterAll(() => {
  delete process.env.VAE_LAB_JAIL;
  fs.rmSync(root, { recursive: true, force: true });
});

describe("the fallback without bubblewrap", () => {
  it("still grades, with the same time limits", () => {
    expect(batch.exitCode).toBe(0);
    expect(batch.results.map((r) => [r.student, r.score])).toEqual([
      ["loop", 4],
      ["ok", 8],
    ]);
  });

  it("puts the warning, in capitals, into summary.md, summary.html, results.json and Gradescope's instructor-only stdout (never the students' output)", () => {
    const out = path.join(root, "out");
    expect(fs.readFileSync(path.join(out, "summary.md"), "utf8")).toMatch(/WARNING: THE BUBBLEWRAP JAIL IS DISABLED/);
    expect(fs.readFileSync(path.join(out, "summary.html"), "utf8")).toMatch(/THE BUBBLEWRAP JAIL IS DISABLED/);
    expect(JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")).jailWarning).toMatch(/BUBBLEWRAP/);
    expect(JSON.parse(fs.readFileSync(path.join(out, "gradescope", "ok", "results.json"), "utf8")).output).not.toMatch(
      /BUBBLEWRAP/,
    );
    expect(gradescopeStdout(batch.results.find((r) => r.student === "ok")!)).toMatch(
      /^!!! .*THE BUBBLEWRAP JAIL IS DISABLED/,
    );
    expect(batch.results[0].jail.kind).toBe("rlimits");
  });
});
