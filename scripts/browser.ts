/**
 * Real-browser helpers for tests: Debian's Chromium driven by playwright-core, and the classic
 * Jupyter notebook server, both on 127.0.0.1 only.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { chromium, type Browser } from "playwright-core";
import { findChromium, installCommand } from "../src/testing/systemParts";

/** Launches headless Chromium (src/testing/systemParts.ts finds it) with the flags this closed network needs (no background traffic). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath)
    throw new Error(`Chromium is missing: ${installCommand("chromium")} (npm run doctor lists what else is missing).`);
  return chromium.launch({
    executablePath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export interface NotebookServer {
  url: (path: string) => string;
  stop: () => Promise<void>;
}

/** Starts the classic notebook server on `dir` and waits until it answers. */
export async function startNotebookServer(
  python: string,
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<NotebookServer> {
  const port = await freePort();
  const token = Math.random().toString(36).slice(2);
  const child: ChildProcess = spawn(
    python,
    [
      "-m",
      "notebook",
      "--no-browser",
      "--ip=127.0.0.1",
      `--port=${port}`,
      `--NotebookApp.token=${token}`,
      `--notebook-dir=${dir}`,
      "--NotebookApp.open_browser=False",
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
    ],
    {
      env,
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let log = "";
  child.stderr!.on("data", (c: Buffer) => void (log += c.toString()));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${base}/api/status?token=${token}`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error(`the notebook server exited: ${log.slice(-500)}`);
    await new Promise((r) => setTimeout(r, 200));
    if (i === 99) throw new Error(`the notebook server did not start: ${log.slice(-500)}`);
  }
  return {
    url: (path) => `${base}/${path}?token=${token}`,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000);
      }),
  };
}
