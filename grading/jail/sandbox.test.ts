/**
 * The jail itself, without the runner: a plain node program inside the same wrapper the grader
 * uses must find no files of ours, no environment, no network, no root, no writable disk outside a
 * small tmpfs, a hard cap on processes and memory, and no way to outlive the grader's kill.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectDir } from "./bundle";
import { DEFAULT_LIMITS, detectJail, jailedCommand } from "./sandbox";

const mode = detectJail();
const jailed = mode.kind === "bwrap";

/** Runs `script` in the jail; returns its stdout (the test's own channel here, not the grader's). */
function runJailed(script: string, limits = DEFAULT_LIMITS, timeout = 20_000) {
  const [cmd, ...args] = jailedCommand(mode, limits, 7, [], ["-e", script]);
  return spawnSync(cmd, args, { encoding: "utf8", timeout, env: {} });
}

/** Host processes whose command line mentions `marker` (read from /proc: no procps needed). */
function running(marker: string): number {
  let n = 0;
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker)) n++;
    } catch {
      /* gone */
    }
  }
  return n;
}

let server: http.Server;
let port = 0;
let hits = 0;
beforeAll(async () => {
  server = http.createServer((_req, res) => {
    hits++;
    res.end("secret");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => server.close());

describe.runIf(jailed)("the bubblewrap jail", () => {
  it("runs as a non-root uid with an empty environment", () => {
    const r = runJailed(
      `console.log(JSON.stringify({ uid: process.getuid(), env: Object.keys(process.env).filter((k) => k !== "PWD" && k !== "PATH") }))`,
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.uid).not.toBe(0);
    expect(out.env).toEqual([]);
  });

  it("sees none of the project's files: hidden tests, solutions, other submissions", () => {
    const targets = [
      path.join(projectDir, "grading", "hidden", "reparameterize.ts"),
      path.join(projectDir, "solutions"),
      "/work",
      "/root",
      "/etc/passwd",
      "/home",
    ];
    const r = runJailed(
      `const fs = require("fs"); console.log(JSON.stringify(${JSON.stringify(targets)}.map((p) => fs.existsSync(p))))`,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(targets.map(() => false));
  });

  it("has no network: the grader's own HTTP server on 127.0.0.1 is unreachable", async () => {
    const before = hits;
    const r = runJailed(
      `require("http").get("http://127.0.0.1:${port}/", () => console.log("reached")).on("error", (e) => console.log("blocked " + e.code))`,
    );
    expect(r.stdout.trim()).toMatch(/^blocked/);
    expect(hits).toBe(before);
  });

  it("cannot write anywhere but its small, private /tmp", () => {
    const r =
      runJailed(`const fs = require("fs"); const tryWrite = (p) => { try { fs.writeFileSync(p, "forged"); return true; } catch { return false; } };
      const out = { usr: tryWrite("/usr/forged"), root: tryWrite("/results.json"), tmp: tryWrite("/tmp/ok"), big: true };
      try { fs.writeFileSync("/tmp/big", Buffer.alloc(64 * 1024 * 1024)); } catch { out.big = false; }
      console.log(JSON.stringify(out))`);
    expect(JSON.parse(r.stdout)).toEqual({ usr: false, root: false, tmp: true, big: false });
  });

  it("caps processes: a fork bomb gets only a handful of children", () => {
    const r = runJailed(
      `const cp = require("child_process"); let started = 0, refused = 0;
      for (let i = 0; i < 200; i++) { const c = cp.spawn(process.execPath, ["-e", "setTimeout(() => {}, 3000)"]); c.on("spawn", () => started++); c.on("error", () => refused++); }
      setTimeout(() => { console.log(JSON.stringify({ started, refused })); process.exit(0); }, 2000)`,
      { ...DEFAULT_LIMITS, nproc: 32 },
    );
    const { started, refused } = JSON.parse(r.stdout);
    expect(started).toBeLessThan(32);
    expect(refused).toBeGreaterThan(0);
  });

  it("caps memory off the V8 heap (typed arrays) by address space", () => {
    const r = runJailed(
      `const keep = []; try { for (let i = 0; i < 400; i++) keep.push(new Float64Array(16 * 1024 * 1024)); console.log("allocated"); } catch (e) { console.log("refused " + e.name); }`,
      DEFAULT_LIMITS,
    );
    expect(r.stdout).not.toContain("allocated");
  });

  it("leaves nothing behind when killed: a detached grandchild dies with the jail", async () => {
    const marker = `vae-lab-jail-${process.pid}-${Date.now()}`;
    const [cmd, ...args] = jailedCommand(
      mode,
      DEFAULT_LIMITS,
      8,
      [],
      [
        "-e",
        `require("child_process").spawn(${JSON.stringify(process.execPath)}, ["-e", "setInterval(() => {}, 1000)", "${marker.slice(0, 8)}" + "${marker.slice(8)}"], { detached: true, stdio: "ignore" }).unref(); setInterval(() => {}, 1000);`,
      ],
    );
    expect(args.join(" ")).not.toContain(marker); // only the grandchild's command line holds the whole marker
    const child = spawn(cmd, args, { detached: true, stdio: "ignore", env: {} });
    await new Promise((r) => setTimeout(r, 1500));
    expect(running(marker)).toBeGreaterThan(0);
    process.kill(-child.pid!, "SIGKILL");
    await new Promise((r) => setTimeout(r, 500));
    expect(running(marker)).toBe(0);
  });
});

describe("jail detection", () => {
  it("reports the fallback loudly, never silently", () => {
    if (mode.kind === "bwrap") expect(mode.warning).toBeUndefined();
    else expect(mode.warning).toMatch(/[A-Z]{4,}.*could/);
    expect(
      fs.existsSync("/usr/bin/bwrap") ? mode.kind : "bwrap",
      `bubblewrap is installed but cannot start a jail: ${mode.warning}`,
    ).toBe("bwrap");
  });
});
