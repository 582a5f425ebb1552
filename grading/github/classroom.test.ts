/**
 * GitHub Classroom's step: grades a checked-out repository and appends `result=<base64>` to the
 * step's output file, in the format autograding-grading-reporter decodes (base64 of version-1 JSON,
 * read from the `<RUNNER>_RESULTS` variable the workflow sets).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { correctSources } from "../catalogue";
import { CLASSROOM_RUNNER, CLASSROOM_WORKFLOW } from "../exports";
import { projectDir } from "../jail/bundle";
import { lesson1Template, submission, tempDir, writeNotebook } from "../testing/fixtures";

const root = tempDir("classroom");
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const run = (repo: string, output: string) =>
  spawnSync(
    process.execPath,
    ["--import", "tsx", path.join(projectDir, "grading", "github", "run.ts"), "--submission", repo, "--output", output],
    { cwd: projectDir, encoding: "utf8", timeout: 120_000 },
  );
/** What the reporter does with the step output: base64-decode it and parse the JSON. */
const decode = (file: string) =>
  JSON.parse(Buffer.from(fs.readFileSync(file, "utf8").match(/^result=(.*)$/m)![1], "base64").toString("utf8"));

describe("the GitHub Classroom step", () => {
  it("writes the reporter's result for the repository's notebook: scores that add up, feedback in the log", () => {
    const repo = path.join(root, "repo");
    writeNotebook(
      repo,
      "01_swiss_roll_vae.ipynb",
      submission(lesson1Template(), {
        reparameterize: correctSources.reparameterize,
        computeVaeLoss: correctSources.computeVaeLoss.replace("tf.mul(beta, kl)", "kl"),
      }),
    );
    const output = path.join(root, "github_output");
    const r = run(repo, output);
    expect(r.status, r.stderr).toBe(0);
    const res = decode(output);
    expect(res).toMatchObject({ version: 1, status: "fail", max_score: 8 });
    const total = res.tests.reduce((s: number, t: { score: number }) => s + t.score, 0);
    expect(total).toBeGreaterThan(4);
    expect(total).toBeLessThan(8);
    expect(r.stdout).toMatch(/# Feedback for submission/);
    expect(CLASSROOM_WORKFLOW).toContain(
      `${CLASSROOM_RUNNER.toUpperCase()}_RESULTS: "\${{ steps.${CLASSROOM_RUNNER}.outputs.result }}"`,
    );
    expect(CLASSROOM_RUNNER).toMatch(/^[a-zA-Z0-9]+$/);
  });

  it("reports a repository without a notebook as an error result, not a crash", () => {
    const repo = path.join(root, "empty-repo");
    fs.mkdirSync(repo, { recursive: true });
    fs.writeFileSync(path.join(repo, "README.md"), "hi");
    const output = path.join(root, "github_output_empty");
    const r = run(repo, output);
    expect(r.status, r.stderr).toBe(0);
    expect(decode(output)).toMatchObject({
      version: 1,
      status: "error",
      tests: [{ status: "error", message: expect.stringMatching(/no notebooks \(\*\.ipynb\) to grade/) }],
    });
  });
});
