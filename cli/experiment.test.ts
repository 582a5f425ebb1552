import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeIdxFolder } from "../src/testing/idxFolder";

// `npm run experiment` end to end, as a child process (async: a sync spawn would block vitest's worker).
function cli(
  args: string[],
  options: { onStderr?: (text: string, kill: (signal: NodeJS.Signals) => void) => void } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/experiment.ts", ...args], {
      env: { ...process.env, VAE_LAB_BACKEND: "wasm" },
    });
    let stdout = "",
      stderr = "";
    child.stdout.on("data", (c: Buffer) => void (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
      options.onStderr?.(stderr, (s) => child.kill(s));
    });
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
const outIn = () => join(mkdtempSync(join(tmpdir(), "vae-cli-")), "results.json");
// Two tiny runs: MNIST on the embedded digits (1 epoch) and a small Swiss-roll model (20 steps).
const TINY = ["--latent", "2", "--beta", "1", "--epochs", "1", "--hidden", "8", "--swiss-latent", "1", "--steps", "20"];

describe("npm run experiment", () => {
  it("runs a sweep with progress, writes JSON and CSV results, and reuses them on a second run", async () => {
    const out = outIn();
    const first = await cli([...TINY, "--out", out]);
    expect(first.status, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Sweep "all": 2 runs; 0 already in .* \(reused\), 2 to train, about \S+/);
    expect(first.stderr).toMatch(/sweep \[[█░]+\]/);
    expect(first.stderr).toMatch(
      /✓ run 1\/2 MNIST L=2: held-out −ELBO [\d.]+ = recon [\d.]+ \+ KL [\d.]+, \d+% of classes in distinct clusters/,
    );
    expect(first.stdout).toContain("Trained 2, reused 0");
    const json = readFileSync(out, "utf8");
    const runs = JSON.parse(json).runs;
    expect(runs.map((r: { config: { dataset: string } }) => r.config.dataset)).toEqual(["embedded", "swissroll"]);
    expect(runs[0].history).toHaveLength(1);
    expect(runs[0].data.trainN + runs[0].data.testN).toBe(10000);
    expect(readFileSync(out.replace(/json$/, "csv"), "utf8").trim().split("\n")).toHaveLength(3);
    expect(existsSync(join(dirname(out), runs[0].checkpoint, "weights.bin"))).toBe(true);

    const second = await cli([...TINY, "--out", out]);
    expect(second.status, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toContain("2 already in");
    expect(second.stdout).toContain("Trained 0, reused 2");
    expect(second.stderr).toMatch(/↺ run 2\/2 Swiss roll hidden 8 L=1: reused/);
    expect(readFileSync(out, "utf8")).toBe(json);
  });

  it("stops on Ctrl-C after saving the finished runs, and the same command resumes", async () => {
    const out = outIn();
    const args = ["--sweep", "latent", "--latent", "2,3", "--epochs", "1", "--out", out];
    let sent = false;
    const stopped = await cli(args, {
      onStderr: (text, kill) => {
        if (!sent && text.includes("✓ run 1/2")) {
          sent = true;
          kill("SIGINT");
        }
      },
    });
    expect(stopped.status, stopped.stdout + stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain("Stopping after the current step");
    expect(stopped.stdout).toContain("1 run left. Run the same command again to resume.");
    expect(JSON.parse(readFileSync(out, "utf8")).runs).toHaveLength(1);
    const resumed = await cli(args);
    expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain("Trained 1, reused 1");
  });

  it("sweeps the conv VAE with --model conv, through the same MNIST job, into the same results file", async () => {
    const out = outIn();
    const data = writeIdxFolder(join(dirname(out), "idx"), 200, 50);
    const r = await cli([
      "--sweep",
      "latent",
      "--model",
      "conv",
      "--latent",
      "2",
      "--epochs",
      "1",
      "--dataset",
      data,
      "--out",
      out,
    ]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/✓ run 1\/1 MNIST \(IDX\) conv L=2: held-out −ELBO [\d.]+/);
    const [run] = JSON.parse(readFileSync(out, "utf8")).runs;
    expect([run.config.model, run.data.trainN, run.history.length]).toEqual(["conv", 200, 1]);
    expect(run.checkpoint).toMatch(/^checkpoints[\\/]mnist-conv-L2-e1-b1-idx-[0-9a-f]{10}$/);
    const manifest = JSON.parse(readFileSync(join(dirname(out), run.checkpoint, "checkpoint.json"), "utf8"));
    expect(manifest.config.kind).toBe("conv");
    expect(manifest.meta.heldOutHistory).toHaveLength(1); // the MNIST job's per-epoch scores
  });

  it("plans the navigator preset's β sweep: β 0, 1, 4 and the warm-up 0 → 4 over 10 of 20 epochs", async () => {
    const r = await cli(["--sweep", "beta", "--preset", "navigator", "--model", "conv", "--dry-run", "--out", outIn()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Sweep "beta": 4 runs/);
    expect(r.stdout).toMatch(/1\. MNIST conv L=2 β=0 +train/);
    expect(r.stdout).toMatch(/4\. MNIST conv L=2 β 0→4 warm-up +train/);
    const epochs = await cli([
      "--sweep",
      "beta",
      "--preset",
      "navigator",
      "--epochs",
      "12",
      "--beta",
      "warmup:4:10",
      "--dry-run",
      "--out",
      outIn(),
    ]);
    expect(epochs.stdout).toMatch(/Sweep "beta": 1 run;/); // flags given override the preset's
  });

  it("prints the plan and the time estimate with --dry-run, training nothing", async () => {
    const out = outIn();
    const r = await cli(["--dry-run", "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/16 runs; 0 already in .*, 16 to train, about \d+m/);
    expect(r.stdout).toMatch(/16\. Swiss roll hidden 1024 L=8 +train, ~/);
    expect(existsSync(out)).toBe(false);
  });

  // Independent child processes that exit at once: run them side by side.
  describe.concurrent("bad arguments: a clear error naming the fix, exit code 2", () => {
    const bad = async (args: string[], message: RegExp) => {
      const r = await cli([...args, "--dry-run"]);
      expect(r.stderr).toMatch(message);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    };

    it("an unknown dataset", () =>
      bad(
        ["--dataset", "mnist-full"],
        /--dataset "mnist-full" is not a dataset: use --dataset embedded .* or the path of a folder of MNIST or Fashion-MNIST IDX files/,
      ));

    it("a folder without IDX files", () =>
      bad(["--dataset", tmpdir()], /--dataset .*: .*no train images file found; looked for train-images-idx3-ubyte/));

    it("latent dimension 0", () =>
      bad(
        ["--latent", "2,0"],
        /--latent: a latent dimension must be a whole number ≥ 1, got "0"\. Example: --latent 2,5,10\./,
      ));

    it("an unknown sweep", () =>
      bad(["--sweep", "width"], /--sweep must be one of latent, beta, swiss, all, got "width"/));

    it("a malformed results file", async () => {
      const out = outIn();
      writeFileSync(out, '{"runs": [');
      await bad(
        ["--out", out],
        /results file .*results\.json: is not valid JSON .*Fix or delete the file .*or pass --out <another file>/,
      );
    });

    it("a results file that is not ours", async () => {
      const out = outIn();
      writeFileSync(out, JSON.stringify({ rows: [] }));
      await bad(["--out", out], /is not a vae-lab results file: it has no "runs" list/);
    });

    it("an unreadable results file", async () => {
      const out = outIn();
      mkdirSync(out); // a folder where the file should be: unreadable as a file, even for root
      await bad(["--out", out], /results file .*results\.json: cannot be read \(EISDIR\)/);
      const locked = outIn();
      writeFileSync(locked, "{}");
      chmodSync(locked, 0o000);
      if (process.getuid?.() !== 0) await bad(["--out", locked], /cannot be read \(EACCES\)/); // root reads anything
    });

    it("a warm-up with a single epoch", () =>
      bad(["--beta", "warmup", "--epochs", "1"], /--beta warmup .* needs --epochs 2 or more/));

    it("an unknown option", () => bad(["--latnet", "2"], /unknown option --latnet/));

    it("the conv model for the Swiss roll", () =>
      bad(
        ["--sweep", "swiss", "--model", "conv"],
        /--model conv applies to the MNIST sweeps .* Use --sweep latent or --sweep beta/,
      ));

    it("a warm-up to a negative β", () => bad(["--beta", "warmup:-1"], /the β a warm-up reaches must be a number ≥ 0/));
  });
});
