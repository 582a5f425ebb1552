/**
 * A class on one hub, end to end, with Debian's JupyterHub and configurable-http-proxy: `npm run hub
 * --demo` on a free loopback port; two students log in through the login form and start their
 * servers through the hub's REST API; each runs lesson 1's setup cell and a short training on
 * their own vae-lab kernel, through the hub's proxy (scripts/hub/client.py: contents API + kernel
 * websocket); one of them solves the exercises and saves the notebook through the hub; a second
 * start of the hub leaves that notebook as she saved it; then collect, grade, and check both
 * students' scores and the late flag. Every process of both hubs is gone at the end.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, COLLECT_MANIFEST } from "../grading/collect";
import { gradeBatch } from "../grading/grade";
import { needsLook } from "../grading/report";
import { skipWithout } from "../src/testing/guard";
import { hubProcesses, stopHubProcesses } from "./hub/processes";
import { kernelSpec } from "./jupyter";
import {
  hubLogTail,
  killHubGroup,
  startHub,
  stopHub,
  studentSession,
  type Notebook,
  type RunningHub,
} from "./hub/session";

skipWithout(import.meta.url, "jupyterhub", "jupyter");

const ROOT = process.cwd();
const PASSWORD = "class-of-2026";
const LESSON = "vae-lab/01_swiss_roll_vae.ipynb";
const TRAIN = `const m = createVae(swissRollVae(32), new Rng(1));
const r = await train(m, swissRollSampler, { steps: 20, batchSize: 64, learningRate: 1e-3, beta: 1, reduction: "mean", seed: 1 });
console.log(\`trained \${r.steps} steps, loss \${r.final.total.toFixed(3)}\`);`;

let tmp: string, state: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vae-lab-hub-"));
  state = path.join(tmp, "hub");
});
const started: RunningHub[] = [];
const start = async () => {
  const h = await startHub(state, ["--demo", "--users", "alice,bob", "--password", PASSWORD, "--port", "0"]);
  started.push(h);
  return h;
};
const student = (url: string, user: string, ...args: string[]) => studentSession(url, user, PASSWORD, args);

const sha = (f: string) => createHash("sha256").update(fs.readFileSync(f)).digest("hex");

/** The student's notebook with each exercise cell replaced by the solution's cell of the same grade_id. */
function solved(nb: Notebook): Notebook {
  const solution = JSON.parse(
    fs.readFileSync(path.join(ROOT, "solutions", "01_swiss_roll_vae.ipynb"), "utf8"),
  ) as Notebook;
  const byId = new Map(
    solution.cells.filter((c) => c.metadata.nbgrader?.solution).map((c) => [c.metadata.nbgrader!.grade_id!, c.source]),
  );
  return {
    ...nb,
    cells: nb.cells.map((c) =>
      byId.has(c.metadata.nbgrader?.grade_id ?? "") ? { ...c, source: byId.get(c.metadata.nbgrader!.grade_id!)! } : c,
    ),
  };
}

afterAll(async () => {
  for (const h of started) killHubGroup(h);
  if (!tmp) return;
  await stopHubProcesses(state, 2000);
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("npm run hub -- --install-kernel (the container image's registration)", () => {
  it("registers the vae-lab kernel under the prefix, as the hub registers it for its students' servers", () => {
    const prefix = path.join(tmp, "prefix");
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/hub.ts", "--install-kernel", prefix],
      { encoding: "utf8" },
    );
    expect(r.status, r.stderr).toBe(0);
    const spec = JSON.parse(
      fs.readFileSync(path.join(prefix, "share", "jupyter", "kernels", "vae-lab", "kernel.json"), "utf8"),
    );
    expect(spec).toEqual(kernelSpec());
  });
});

describe("a class on one JupyterHub", () => {
  it("serves two students their lessons on the vae-lab kernel, keeps one's saved work across a restart, and collects and grades both", async () => {
    const hub = await start();
    expect(hub.pids.length).toBeGreaterThanOrEqual(2); // JupyterHub and its proxy carry the hub's marker

    // Both students at once: log in, start the server, run lesson 1's setup cell and a short training.
    const runs = await Promise.all(["alice", "bob"].map((u) => student(hub.url, u, "run", LESSON, "1", writeTrain())));
    for (const [i, r] of runs.entries()) {
      expect(r.error, `${["alice", "bob"][i]}: ${r.error}\n${hubLogTail(state)}`).toBeUndefined();
      expect(r.cells!.map((c) => c.status)).toEqual(["ok", "ok"]);
      expect(r.cells![0].output).toMatch(/vae-lab: using /);
      expect(r.cells![1].output).toMatch(/trained 20 steps, loss \d+\.\d{3}/);
    }
    const homes = path.join(state, "homes");
    for (const u of ["alice", "bob"])
      expect(
        fs
          .readdirSync(path.join(homes, u, "vae-lab"))
          .filter((f) => f.endsWith(".ipynb"))
          .sort(),
      ).toEqual(
        fs
          .readdirSync("notebooks")
          .filter((f) => f.endsWith(".ipynb"))
          .sort(),
      );
    expect(fs.readFileSync(path.join(homes, "bob", LESSON))).toEqual(
      fs.readFileSync(path.join(ROOT, "notebooks", "01_swiss_roll_vae.ipynb")),
    );

    // Alice solves the exercises and saves through the hub (the contents API, as Jupyter's editor does).
    const mine = await student(hub.url, "alice", "get", LESSON);
    expect(mine.error).toBeUndefined();
    const edited = path.join(tmp, "alice-solved.ipynb");
    fs.writeFileSync(edited, JSON.stringify(solved(mine.notebook!)));
    const beforeEdit = new Date(Date.now() - 1000);
    expect((await student(hub.url, "alice", "put", LESSON, edited)).error).toBeUndefined();
    const aliceFile = path.join(homes, "alice", LESSON);
    const savedSha = sha(aliceFile);
    expect(fs.readFileSync(aliceFile, "utf8")).toMatch(/function reparameterize[\s\S]*tf\.exp/);

    expect(await stopHub(hub)).toBe(0);
    expect(hubProcesses(state)).toEqual([]);
    expect(
      hub.pids.filter(alive).map((p) => `${p}: ${fs.readFileSync(`/proc/${p}/stat`, "utf8").slice(0, 60)}`),
    ).toEqual([]);

    // A second start: alice's server starts again (the lessons are seeded again), her work stays.
    const again = await start();
    const back = await student(again.url, "alice", "get", LESSON);
    expect(back.error).toBeUndefined();
    expect(sha(aliceFile)).toBe(savedSha);
    expect(fs.readdirSync(path.join(homes, "alice", "vae-lab")).filter((f) => f.includes("(updated"))).toEqual([]);
    expect(await stopHub(again)).toBe(0);
    expect(hubProcesses(state)).toEqual([]);

    // Collect from the hub's state folder, deadline between bob's seeding and alice's save; grade.
    const out = path.join(tmp, "submissions");
    const manifest = collect({ from: state, lesson: "01", out, deadline: beforeEdit });
    expect(manifest.students.map((s) => [s.student, s.files.map((f) => [path.basename(f.file), f.late])])).toEqual([
      ["alice", [["01_swiss_roll_vae.ipynb", true]]],
      ["bob", [["01_swiss_roll_vae.ipynb", false]]],
    ]);
    expect(manifest.students[0].files[0].sha256).toBe(savedSha);
    expect(fs.existsSync(path.join(out, COLLECT_MANIFEST))).toBe(true);
    const graded = await gradeBatch({ inputs: [out], outDir: path.join(tmp, "grades"), progress: false, jobs: 2 });
    expect(graded.exitCode).toBe(0);
    const score = (u: string) => graded.results.find((r) => r.student === u);
    expect(score("alice")).toMatchObject({ score: 8, maxScore: 8 });
    expect(score("bob")).toMatchObject({ score: 0, maxScore: 8 });
    expect(graded.info.identities.alice.late).toBe(true);
    expect(graded.info.identities.bob.late).toBeUndefined();
    expect(graded.info.skipped).toEqual([]);
    expect(needsLook(graded.results, graded.info)).toContain(
      "alice: saved after the deadline (npm run collect --deadline)",
    );
  }, 400_000);
});

/** A process that still runs (a zombie waiting for its parent to reap it runs no more). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

function writeTrain(): string {
  const f = path.join(tmp, "train.ts");
  fs.writeFileSync(f, TRAIN);
  return f;
}
