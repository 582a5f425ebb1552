/**
 * Driving a hub from outside, as a class would: start `npm run hub` in a process group of its own
 * and wait for its banner, stop it as Ctrl-C does, and act as a student through the hub only
 * (scripts/hub/client.py). Used by the hub test (scripts/hub.test.ts) and the hub's measurements
 * (bench/hub.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { findPython } from "../../src/testing/systemParts";
import { hubProcesses } from "./processes";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");

export interface RunningHub {
  url: string;
  child: ChildProcess;
  /** The hub's processes when its banner appeared (JupyterHub and the proxy). */
  pids: number[];
  /** When `npm run hub` was started (performance.now()). */
  startedAt: number;
}

/** `npm run hub -- <args> --state <state>`; resolves once the banner names the URL (rejects after `ms`). */
export function startHub(state: string, args: string[], ms = 120_000): Promise<RunningHub> {
  const startedAt = performance.now();
  const tsx = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
  const child = spawn(process.execPath, [tsx, path.join(ROOT, "scripts", "hub.ts"), ...args, "--state", state], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm run hub printed no banner within ${ms / 1000} s:\n${out}`)),
      ms,
    );
    const read = (d: Buffer) => {
      out += d.toString("utf8");
      const m = out.match(/vae-lab hub: (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], child, pids: hubProcesses(state), startedAt });
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`npm run hub exited (${code}) before its banner:\n${out}`));
    });
  });
}

/** Ctrl-C's path (SIGTERM to npm run hub); resolves with its exit status. */
export function stopHub(h: RunningHub): Promise<number | null> {
  if (h.child.exitCode !== null) return Promise.resolve(h.child.exitCode);
  const exited = new Promise<number | null>((r) => h.child.on("exit", (code) => r(code)));
  process.kill(h.child.pid!, "SIGTERM");
  return exited;
}

/** Kills what is left of `npm run hub`'s own process group (a test's clean-up after a failure). */
export function killHubGroup(h: { child: ChildProcess }): void {
  try {
    process.kill(-h.child.pid!, "SIGKILL");
  } catch {
    // gone
  }
}

export type Notebook = {
  cells: {
    cell_type: string;
    source: string | string[];
    metadata: { nbgrader?: { grade_id?: string; solution?: boolean } };
  }[];
};

export interface StudentResult {
  ok: boolean;
  error?: string;
  cells?: { status: string; output: string }[];
  notebook?: Notebook;
  /** Seconds since the client started: logged_in, server_ready, kernel_started, cell_<i>_done. */
  seconds: Record<string, number>;
}

/**
 * One student's session through the hub (scripts/hub/client.py):
 *   run <notebook> <cell indices> <file of extra code>  ·  get <notebook>  ·  put <notebook> <file>
 * `keepKernel` leaves the kernel running afterwards (measurements of memory per active student).
 */
export function studentSession(
  url: string,
  user: string,
  password: string,
  args: string[],
  keepKernel = false,
): Promise<StudentResult> {
  const python = findPython(["jupyterhub", "requests", "tornado"]) ?? "python3";
  return new Promise((resolve) => {
    const env = { ...process.env, ...(keepKernel ? { VAE_LAB_KEEP_KERNEL: "1" } : {}) };
    const c = spawn(python, [path.join(ROOT, "scripts", "hub", "client.py"), url, user, password, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env,
    });
    let out = "",
      err = "";
    c.stdout.on("data", (d: Buffer) => (out += d));
    c.stderr.on("data", (d: Buffer) => (err += d));
    c.on("exit", () => {
      try {
        resolve(JSON.parse(out) as StudentResult);
      } catch {
        resolve({ ok: false, error: `client.py printed no result: ${out} ${err}`, seconds: {} });
      }
    });
  });
}

/** The end of the hub's log (students' servers and kernels log there too), for failure messages. */
export function hubLogTail(state: string, lines = 60): string {
  const log = path.join(state, "hub.log");
  return fs.existsSync(log)
    ? fs
        .readFileSync(log, "utf8")
        .split("\n")
        .filter((l) => !/ 20[01] (GET|POST|PUT)/.test(l))
        .slice(-lines)
        .join("\n")
    : "(no hub.log)";
}
