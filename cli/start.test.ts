/**
 * `npm start` end to end, as a child process: train → serve on 127.0.0.1 → Ctrl-C (exit 0); load the
 * checkpoint → SIGTERM; other settings → retrain with a notice; --export; a taken port. Tiny models
 * (hidden 32, 1–2 epochs) and port 0 (the OS picks a free port), so it can run next to other tests.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emptyResults, writeResults } from "../src/experiments/results";
import { mnistRunConfig } from "../src/experiments/sweeps";
import { writeIdxFolder } from "../src/testing/idxFolder";

const work = mkdtempSync(join(tmpdir(), "vae-lab-start-"));
const checkpoint = join(work, "ckpt");
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(args: string[]): Run {
  const child = spawn(
    process.execPath,
    [join("node_modules", "tsx", "dist", "cli.mjs"), join("cli", "start.ts"), ...args],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0" },
    },
  );
  let out = "";
  child.stdout!.on("data", (c: Buffer) => void (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => void (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(run: Run, pattern: RegExp, timeoutMs = 90_000): Promise<RegExpMatchArray> {
  const t0 = Date.now();
  for (;;) {
    const m = run.output().match(pattern);
    if (m) return m;
    if (run.child.exitCode !== null)
      throw new Error(`npm start exited (${run.child.exitCode}) before printing ${pattern}:\n${run.output()}`);
    if (Date.now() - t0 > timeoutMs)
      throw new Error(`npm start did not print ${pattern} within ${timeoutMs} ms:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const tiny = ["--hidden", "32", "--checkpoint", checkpoint, "--port", "0"];
const SERVING = /Serving the playground at (http:\/\/127\.0\.0\.1:(\d+)\/) \(Ctrl-C to stop\)/;

describe("npm start", () => {
  it("trains, serves the playground on 127.0.0.1, and exits 0 on Ctrl-C", async () => {
    const run = start([...tiny, "--epochs", "1"]);
    const [, url] = await waitFor(run, SERVING);
    expect(run.output()).toContain(`Saved the checkpoint to ${checkpoint}`);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("vae-lab playground");
    expect((await fetch(`${url}..%2f..%2fpackage.json`)).status).toBe(400);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain("SIGINT: stopping the playground server.");
    await expect(fetch(url)).rejects.toThrow(); // the port is closed
  });

  it("loads the checkpoint on the second run, and exits 0 on SIGTERM", async () => {
    const run = start([...tiny, "--epochs", "1"]);
    const [, url] = await waitFor(run, SERVING);
    expect(run.output()).toContain(`Loaded the trained model from ${checkpoint}`);
    expect(run.output()).not.toContain("training [");
    const page = await fetch(url);
    expect(page.status).toBe(200);
    // The per-epoch held-out history came back with the checkpoint: its curves are on the page.
    const html = await page.text();
    expect(html).toContain('data-role="cluster-curve"');
    expect(html).not.toContain('data-role="no-heldout-history"');
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
  });

  it("retrains, saying why, when the checkpoint has other settings; --export writes one file and exits", async () => {
    const file = join(work, "out", "playground.html");
    const run = start([...tiny, "--epochs", "2", "--export", file]);
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain(
      `Checkpoint ${checkpoint} was trained with other settings (epochs: wanted 2, found 1): training again.`,
    );
    expect(run.output()).toMatch(/Wrote the playground to .*playground\.html \(\d+\.\d MB, self-contained/);
    expect(run.output()).not.toContain("Serving");
    const html = readFileSync(file, "utf8");
    expect(statSync(file).size).toBeGreaterThan(100_000);
    // Self-contained: no external script, stylesheet, image or font.
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+rel="?stylesheet/i);
    expect(html).not.toMatch(/url\((?!data:)/);
    expect(html).not.toMatch(/(src|href)="(?!data:|#)[^"]+"/);
  });

  it("shows the conv model (--model conv) with the sweep's results named by --results", async () => {
    const data = writeIdxFolder(join(work, "idx"), 200, 50);
    const results = join(work, "sweep", "results.json");
    const config = mnistRunConfig("embedded", 2, 1, 10, 1);
    const metrics = { trainRecon: 140, trainKl: 6, trainNegElbo: 146, testRecon: 141, testKl: 6, testNegElbo: 147 };
    writeResults(results, {
      ...emptyResults(),
      runs: [
        {
          config,
          metrics,
          seconds: 20,
          backend: "wasm",
          data: { source: "x", trainN: 9000, testN: 1000 },
          units: "nats",
          history: [],
          checkpoint: "checkpoints/x",
          finishedAt: "2026-12-03T14:00:00.000Z",
        },
      ],
    });
    const file = join(work, "conv.html");
    const run = start([
      "--model",
      "conv",
      "--epochs",
      "1",
      "--data",
      data,
      "--checkpoint",
      join(work, "conv-ckpt"),
      "--results",
      results,
      "--export",
      file,
    ]);
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toMatch(/model: conv VAE, latent dimension 2, [\d,]+ parameters/);
    const html = readFileSync(file, "utf8");
    expect(html).toContain("<td>convolutional</td>"); // the settings table
    expect(html).toMatch(/"kind":"deconv"/); // the navigator decodes with the conv decoder's layers
    expect(html).toContain("embedded · mlp 400 · β=1 · 10 epochs"); // the trade-off panel read --results
  });

  it("names --port when the port is taken, before loading data or training", async () => {
    const blocker: Server = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, "127.0.0.1", () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const run = start([
        "--hidden",
        "32",
        "--checkpoint",
        join(work, "never"),
        "--epochs",
        "2",
        "--port",
        String(port),
      ]);
      expect(await run.exited).toBe(1);
      expect(run.output()).not.toContain("data:");
      expect(existsSync(join(work, "never"))).toBe(false);
      expect(run.output()).toContain(`npm start failed: port ${port} on 127.0.0.1 is already in use`);
      expect(run.output()).toContain("--port <n>");
    } finally {
      blocker.close();
    }
  });

  it("refuses a bad --port before doing any work", async () => {
    const run = start(["--port", "70000"]);
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain("--port must be at most 65535");
  });
});
