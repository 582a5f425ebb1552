/**
 * `tsx bench/hub.ts [--users 3]`: what a class costs on one server (docs/course-setup.md, "Sizing").
 * Starts `npm run hub -- --demo` in a fresh state folder; the students log in one after the other
 * and each runs lesson 1's setup cell (imports "vae-lab", picks the backend) and a 200-step training
 * on their vae-lab kernel, through the hub; kernels stay running. Prints the time from starting
 * `npm run hub` to the first student's first executed cell, each student's login → cell times, the
 * memory (RSS) of each active student's processes (their Jupyter server and kernel, found by
 * JUPYTERHUB_USER in their environment) and of the hub with its proxy, and what 100 such students
 * would need — extrapolated from these figures, not measured. Then stops everything.
 */
import * as fs from "node:fs";
import { loadavg, tmpdir, totalmem } from "node:os";
import * as path from "node:path";
import { formatOptions, parseCommandLine } from "../cli/args";
import { hubProcesses, stopHubProcesses } from "../scripts/hub/processes";
import { hubLogTail, killHubGroup, startHub, stopHub, studentSession } from "../scripts/hub/session";

const spec = {
  users: {
    type: "number",
    integer: true,
    min: 1,
    max: 20,
    default: 3,
    help: "students logging in one after the other",
  },
  help: { type: "boolean", help: "show this help" },
} as const;
const usage = `Usage: tsx bench/hub.ts [--users 3]\n\nThe time to a first executed cell and the memory per active student on a local hub.\n\nOptions:\n${formatOptions(spec)}\n`;

const TRAIN = `const m = createVae(swissRollVae(256), new Rng(1));
const r = await train(m, swissRollSampler, { steps: 200, batchSize: 128, learningRate: 1e-3, beta: 1, reduction: "mean", seed: 1 });
console.log(\`trained \${r.steps} steps\`);`;

/** RSS in MB of a process (0 when gone). */
function rssMb(pid: number): number {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** PSS in MB (shared pages split between the processes sharing them: sums add up), 0 when unknown. */
function pssMb(pid: number): number {
  try {
    const m = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8").match(/^Pss:\s+(\d+) kB/m);
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  try {
    const f = fs
      .readFileSync(`/proc/${pid}/stat`, "utf8")
      .replace(/^.*\) /, "")
      .split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100 on Linux)
  } catch {
    return 0;
  }
}

function userOf(pid: number): string | undefined {
  try {
    return fs
      .readFileSync(`/proc/${pid}/environ`, "utf8")
      .split("\0")
      .find((e) => e.startsWith("JUPYTERHUB_USER="))
      ?.slice("JUPYTERHUB_USER=".length);
  } catch {
    return undefined;
  }
}

function command(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return "";
  }
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, spec, usage, "bench/hub.ts");
  if ("exit" in parsed) return parsed.exit;
  const n = parsed.args.users!;
  const users = Array.from({ length: n }, (_, i) => `student${i + 1}`);
  const tmp = fs.mkdtempSync(path.join(tmpdir(), "vae-lab-hub-bench-"));
  const state = path.join(tmp, "hub");
  const train = path.join(tmp, "train.ts");
  fs.writeFileSync(train, TRAIN);
  const w = (l = "") => process.stdout.write(l + "\n");
  w(
    `machine: ${loadavg()[0].toFixed(1)} load (1 min) at start, ${Math.round(totalmem() / 2 ** 30)} GB RAM; shared with other work, so times are upper bounds`,
  );
  const hub = await startHub(state, ["--demo", "--users", users.join(","), "--password", "bench", "--port", "0"]);
  process.on("SIGINT", () => void stopHub(hub).then(() => process.exit(130))); // Ctrl-C stops the hub too
  try {
    w(`npm run hub → banner: ${((performance.now() - hub.startedAt) / 1000).toFixed(1)} s`);
    for (const [i, u] of users.entries()) {
      const t = performance.now();
      const r = await studentSession(hub.url, u, "bench", ["run", "vae-lab/01_swiss_roll_vae.ipynb", "1", train], true);
      if (!r.ok) throw new Error(`${u}: ${r.error ?? JSON.stringify(r.cells)}\n${hubLogTail(state)}`);
      const s = r.seconds;
      if (i === 0)
        w(
          `npm run hub → first executed cell (${u}'s setup cell): ${((t - hub.startedAt) / 1000 + s.cell_0_done).toFixed(1)} s`,
        );
      w(
        `${u}: login ${s.logged_in} s, server ready ${s.server_ready} s, kernel up ${s.kernel_started} s, setup cell done ${s.cell_0_done} s, 200 training steps done ${s.cell_1_done} s (from the login)`,
      );
    }
    const byUser = new Map<string, { pid: number; mb: number; pss: number; cpu: number; what: string }[]>();
    for (const pid of hubProcesses(state)) {
      const u = userOf(pid) ?? "(hub)";
      const what = /tslab/.test(command(pid))
        ? "kernel"
        : /singleuser/.test(command(pid))
          ? "server"
          : /configurable-http-proxy/.test(command(pid))
            ? "proxy"
            : /jupyterhub/.test(command(pid))
              ? "hub"
              : command(pid).slice(0, 40);
      byUser.set(u, [...(byUser.get(u) ?? []), { pid, mb: rssMb(pid), pss: pssMb(pid), cpu: cpuSeconds(pid), what }]);
    }
    const sum = (u: string, k: "mb" | "pss" | "cpu") => (byUser.get(u) ?? []).reduce((s, p) => s + p[k], 0);
    for (const [u, ps] of [...byUser].sort())
      w(
        `${u}: RSS ${sum(u, "mb").toFixed(0)} MB, PSS ${sum(u, "pss").toFixed(0)} MB, CPU ${sum(u, "cpu").toFixed(1)} s (${ps.map((p) => `${p.what}: RSS ${p.mb.toFixed(0)}, PSS ${p.pss.toFixed(0)} MB, CPU ${p.cpu.toFixed(1)} s`).join("; ")})`,
      );
    const mean = (k: "mb" | "pss" | "cpu") => users.reduce((a, u) => a + sum(u, k), 0) / users.length;
    const hubMb = sum("(hub)", "mb");
    w(
      `per active student: RSS ${mean("mb").toFixed(0)} MB, PSS ${mean("pss").toFixed(0)} MB, CPU ${mean("cpu").toFixed(1)} s for login, setup cell and 200 steps; hub + proxy RSS ${hubMb.toFixed(0)} MB`,
    );
    w(
      `extrapolated, not measured: 100 active students ≈ ${((100 * mean("mb") + hubMb) / 1024).toFixed(1)} GB by RSS (${((100 * mean("pss") + hubMb) / 1024).toFixed(1)} GB by PSS), and ${((100 * mean("cpu")) / 60).toFixed(0)} CPU-minutes if all run these cells at once`,
    );
  } finally {
    await stopHub(hub);
    killHubGroup(hub);
    const left = await stopHubProcesses(state, 2000);
    if (left.length) w(`had to kill ${left.length} leftover process(es)`);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (c) => process.exit(c),
  (e) => {
    process.stderr.write(`bench/hub.ts: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
