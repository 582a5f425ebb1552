/**
 * The Gradescope autograder zip: the layout Gradescope expects (setup.sh and run_autograder at the
 * root, executable), the grader's sources but no tests or build outputs — and run_autograder, run
 * on a fake /autograder tree, grades the submission and writes a valid results.json.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { correctSources } from "../catalogue";
import { projectDir } from "../jail/bundle";
import { MANIFEST } from "../manifest";
import { lesson1Template, submission, tempDir, writeNotebook } from "../testing/fixtures";
import { autograderEntries, NODE_MAJOR, SETUP_SH } from "./build";
import { zip } from "./zip";
import { skipWithout } from "../../src/testing/guard";
skipWithout(import.meta.url, "python");

const PY = "/usr/bin/python3";
let root: string, zipFile: string;
beforeAll(() => {
  root = tempDir("gradescope");
  zipFile = path.join(root, "autograder.zip");
  fs.writeFileSync(zipFile, zip(autograderEntries()));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** [name, unix mode] of every entry, read by Python's zipfile (an independent reader). */
function listing(): [string, number][] {
  const r = spawnSync(
    PY,
    [
      "-c",
      "import json,sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); z.testzip(); print(json.dumps([[i.filename, i.external_attr >> 16] for i in z.infolist()]))",
      zipFile,
    ],
    { encoding: "utf8" },
  );
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe("the autograder zip", () => {
  it("installs a current Node.js LTS (22 or 24), not end-of-life 20", () => {
    expect([22, 24]).toContain(NODE_MAJOR);
    expect(SETUP_SH).toContain(`https://deb.nodesource.com/setup_${NODE_MAJOR}.x`);
    expect(SETUP_SH).not.toMatch(/setup_20|v2\[0-9\]/);
    expect(SETUP_SH).toMatch(/grep -Eq '\^v\(2\[2-9\]\|\[3-9\]\[0-9\]\)\\\.'/);
  });

  it("has setup.sh and run_autograder at its root, executable, and the grader's sources under vae-lab/", () => {
    const entries = new Map(listing());
    expect(entries.get("setup.sh")! & 0o777).toBe(0o755);
    expect(entries.get("run_autograder")! & 0o777).toBe(0o755);
    for (const f of [
      "vae-lab/package.json",
      "vae-lab/package-lock.json",
      "vae-lab/grading/gradescope/run.ts",
      "vae-lab/grading/hidden/reparameterize.ts",
      "vae-lab/exercises/index.ts",
      "vae-lab/src/index.ts",
      "vae-lab/solutions/01_swiss_roll_vae.ipynb",
    ]) {
      expect(entries.has(f), f).toBe(true);
    }
    const names = [...entries.keys()];
    expect(names.filter((n) => /\.test\.ts$|node_modules|\/\.cache\/|\/dist\//.test(n))).toEqual([]);
    expect(fs.readFileSync(path.join(projectDir, "grading", "gradescope", "build.ts"), "utf8")).toContain("bubblewrap");
  });

  it("run_autograder grades a submission in a fake /autograder tree and writes a valid results.json", () => {
    const fake = path.join(root, "autograder");
    const source = path.join(fake, "source");
    fs.mkdirSync(source, { recursive: true });
    const x = spawnSync(PY, ["-m", "zipfile", "-e", zipFile, source], { encoding: "utf8" });
    expect(x.status, x.stderr).toBe(0);
    // setup.sh's npm install is replaced by the project's installed packages.
    fs.symlinkSync(path.join(projectDir, "node_modules"), path.join(source, "vae-lab", "node_modules"));
    writeNotebook(
      path.join(fake, "submission"),
      "01_swiss_roll_vae.ipynb",
      submission(lesson1Template(), {
        reparameterize: correctSources.reparameterize,
        computeVaeLoss: correctSources.computeVaeLoss.replace("tf.mul(beta, kl)", "kl"),
      }),
    );
    const r = spawnSync("bash", [path.join(source, "run_autograder")], {
      encoding: "utf8",
      env: { ...process.env, AUTOGRADER_ROOT: fake },
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const results = JSON.parse(fs.readFileSync(path.join(fake, "results", "results.json"), "utf8"));
    expect(results.score).toBeGreaterThan(4);
    expect(results.score).toBeLessThan(8);
    expect(results.tests).toHaveLength(
      MANIFEST.filter((t) => t.exercise === "reparameterize" || t.exercise === "computeVaeLoss").length,
    );
    for (const t of results.tests) {
      expect(typeof t.name).toBe("string");
      expect(t.score).toBeLessThanOrEqual(t.max_score);
      expect(["passed", "failed"]).toContain(t.status);
    }
    expect(results.output).toMatch(/total should weigh kl by beta/);
    expect(results).toMatchObject({ output_format: "md", stdout_visibility: "hidden" });
    expect(results.score).toBeCloseTo(
      results.tests.reduce((s: number, t: { score: number }) => s + t.score, 0),
      9,
    );
    // Instructor-only lines go to stdout (Gradescope shows it to instructors only), never into output.
    expect(r.stdout).toMatch(/^score \d/m);
    expect(results.output).not.toMatch(/!!!|GRADER ERROR/);
  });
});
