/**
 * The jail (docs/design.md §6): runs the runner (./runner.ts) on one submission's module in a child the
 * grader can always stop, and talks to it through ./protocol.ts.
 *
 * Layers, outermost first:
 *   setpriv      a non-root uid of its own per slot (so the process limit counts only this child)
 *   prlimit      address space (caps typed arrays and WASM memory too, unlike V8's heap flag),
 *                processes/threads (fork bombs), open files, no core dumps
 *   bubblewrap   new user/pid/net/ipc/uts/cgroup namespaces (no network), --clearenv, read-only binds
 *                of only node, its libraries, the runner directory and the submission's module; a
 *                small tmpfs for /tmp; --die-with-parent, --new-session
 *   node         --max-old-space-size, and the permission model: reads only /grader, no writes,
 *                no child processes, no workers
 * and from outside: a wall-clock timer per call and per submission that SIGKILLs the whole process
 * group (the pid namespace dies with its init).
 *
 * When bubblewrap cannot run (not installed, user namespaces disabled), `detectJail` says so and the
 * child runs with the same rlimits, setpriv when root, a clean environment and the permission model
 * only: the report carries that warning in capitals, never silently.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { encodeFrame, FrameReader, type Reply, type Request } from "./protocol";

export interface JailLimits {
  /** Wall-clock limit per call into student code (and for loading the module), ms. */
  callMs: number;
  /** Wall-clock limit for the whole submission, ms. */
  submissionMs: number;
  /**
   * Address-space limit, MB: caps typed arrays and WASM memory, which V8's heap flag does not. Node
   * runs with --disable-wasm-trap-handler, so WASM memories do not reserve 8 GB guard regions each.
   */
  addressSpaceMb: number;
  /** V8 old-space limit, MB. */
  heapMb: number;
  /** Tasks (processes + threads) for the jail's uid. */
  nproc: number;
  tmpfsMb: number;
  /** Start-up limit (node + tfjs + WASM), ms. */
  startMs: number;
}

export const DEFAULT_LIMITS: JailLimits = {
  callMs: 10_000,
  submissionMs: 60_000,
  addressSpaceMb: 2560,
  heapMb: 512,
  nproc: 48,
  tmpfsMb: 16,
  startMs: 30_000,
};

export interface JailMode {
  kind: "bwrap" | "rlimits";
  /** Set when the full jail is unavailable: goes, loudly, into every report. */
  warning?: string;
}

const NODE = process.execPath;
const isRoot = () => process.getuid?.() === 0;

let permissionFlagCache: string | undefined;
/**
 * Node's permission-model flag for this node: `--permission` (Node 22.13+, and the only one Node 24
 * accepts) or `--experimental-permission` (Node 20). Found by feature detection — asking this node
 * binary whether it starts with the flag — not by version number.
 */
export function permissionFlag(): string {
  if (permissionFlagCache) return permissionFlagCache;
  const works = (flag: string) =>
    spawnSync(NODE, [flag, "--no-warnings", "-e", "0"], { env: {}, timeout: 15_000 }).status === 0;
  permissionFlagCache =
    process.allowedNodeEnvironmentFlags.has("--permission") || works("--permission")
      ? "--permission"
      : "--experimental-permission";
  return permissionFlagCache;
}

function which(cmd: string): string | undefined {
  for (const dir of ["/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"]) {
    const p = path.join(dir, cmd);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/** The files node needs at run time (itself, its shared libraries, the dynamic loader). */
let nodeFilesCache: string[] | undefined;
function nodeFiles(): string[] {
  if (nodeFilesCache) return nodeFilesCache;
  const out = new Set<string>([NODE]);
  const ldd = spawnSync("ldd", [NODE], { encoding: "utf8" });
  for (const line of (ldd.stdout ?? "").split("\n")) {
    const m = line.match(/(\/\S+)\s+\(0x/);
    if (m) out.add(m[1]);
  }
  return (nodeFilesCache = [...out]);
}

let detected: JailMode | undefined;

/** Can bubblewrap start a jailed node here? Cached per process. `VAE_LAB_JAIL=rlimits` forces the fallback (tests). */
export function detectJail(): JailMode {
  if (detected) return detected;
  if (process.env.VAE_LAB_JAIL === "rlimits")
    return (detected = {
      kind: "rlimits",
      warning:
        "THE BUBBLEWRAP JAIL IS DISABLED (VAE_LAB_JAIL=rlimits): student code ran with resource limits, a clean environment and Node's permission model only — it could reach the network and read the files of this machine's user.",
    });
  const bwrap = which("bwrap");
  if (!bwrap)
    return (detected = {
      kind: "rlimits",
      warning:
        "BUBBLEWRAP IS NOT INSTALLED (apt-get install bubblewrap): student code ran with resource limits, a clean environment and Node's permission model only — it could reach the network and read files this user can read.",
    });
  const probe = spawnSync(
    bwrap,
    [...bwrapArgs(nodeFiles(), [], 16), "--", NODE, "-e", "process.exit(process.getuid() === 65534 ? 0 : 3)"],
    { encoding: "utf8", timeout: 15_000 },
  );
  if (probe.status !== 0) {
    const why = (probe.stderr || probe.error?.message || `exit ${probe.status}`).trim().split("\n")[0];
    return (detected = {
      kind: "rlimits",
      warning: `BUBBLEWRAP CANNOT START A JAIL HERE (${why}): student code ran with resource limits, a clean environment and Node's permission model only — it could reach the network and read files this user can read.`,
    });
  }
  return (detected = { kind: "bwrap" });
}

function bwrapArgs(files: string[], binds: [string, string][], tmpfsMb: number): string[] {
  const a = [
    "--unshare-all",
    "--unshare-user",
    "--uid",
    "65534",
    "--gid",
    "65534",
    "--die-with-parent",
    "--new-session",
    "--clearenv",
    "--setenv",
    "PATH",
    "/usr/bin",
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--size",
    String(tmpfsMb * 1024 * 1024),
    "--tmpfs",
    "/tmp",
    "--chdir",
    "/tmp",
  ];
  for (const f of files) a.push("--ro-bind", f, f);
  for (const [src, dest] of binds) a.push("--ro-bind", src, dest);
  // bwrap's root is an unbounded tmpfs: read-only, so only the small /tmp takes writes.
  a.push("--remount-ro", "/");
  return a;
}

/**
 * The command that runs `node <nodeArgs>` jailed: setpriv (when root) → prlimit → bwrap (with
 * `binds` read-only) → node. In "rlimits" mode, the same without bwrap (binds are not needed: paths
 * stay as they are).
 */
export function jailedCommand(
  mode: JailMode,
  l: JailLimits,
  slot: number,
  binds: [string, string][],
  nodeArgs: string[],
): string[] {
  const rl = [
    "prlimit",
    `--as=${l.addressSpaceMb * 1024 * 1024}`,
    `--nproc=${l.nproc}`,
    "--nofile=256",
    "--core=0",
    "--",
  ];
  // A uid per grading process and slot, so RLIMIT_NPROC counts only this child's tasks.
  const uid = String(200_000 + (process.pid % 40_000) * 16 + (slot % 16));
  const priv =
    isRoot() && which("setpriv")
      ? ["setpriv", "--reuid", uid, "--regid", uid, "--clear-groups", "--inh-caps=-all", "--"]
      : [];
  if (mode.kind !== "bwrap") return [...priv, ...rl, NODE, ...nodeArgs];
  return [...priv, ...rl, which("bwrap")!, ...bwrapArgs(nodeFiles(), binds, l.tmpfsMb), "--", NODE, ...nodeArgs];
}

/** One jailed child per submission; calls are answered in order, each under its own time limit. */
export class JailSession {
  private child?: ChildProcess;
  private reader = new FrameReader();
  private pending?: { id: number; resolve: (r: CallResult) => void; timer: NodeJS.Timeout };
  private nextId = 1;
  private deadline = 0;
  private exitInfo?: string;
  private killed = false;
  /** Bytes of stdout/stderr the child wrote (counted, never kept beyond a small tail for diagnostics). */
  stderrTail = "";

  constructor(
    private readonly runnerDir: string,
    private readonly moduleFile: string,
    private readonly limits: JailLimits,
    private readonly mode: JailMode,
    private readonly slot: number,
    /** The runner file (./bundle.ts runnerFile) of the exercise this child grades. */
    private readonly runnerName: string,
    /** Absolute time (Date.now()) by which the whole submission must be done. */
    private readonly deadlineAt: number,
  ) {}

  /** The command line, outermost wrapper first. */
  command(): string[] {
    const inJail = this.mode.kind === "bwrap";
    const runner = inJail ? "/grader/runner" : this.runnerDir,
      module = inJail ? "/grader/submission/module.js" : this.moduleFile;
    const nodeArgs = [
      `--max-old-space-size=${this.limits.heapMb}`,
      "--disable-wasm-trap-handler",
      permissionFlag(),
      `--allow-fs-read=${runner}/*`,
      `--allow-fs-read=${module}`,
      "--no-warnings",
      "--disallow-code-generation-from-strings",
      path.join(runner, this.runnerName),
      module,
    ];
    const binds: [string, string][] = [
      [this.runnerDir, "/grader/runner"],
      [path.dirname(this.moduleFile), "/grader/submission"],
    ];
    return jailedCommand(this.mode, this.limits, this.slot, binds, nodeArgs);
  }

  /** Starts the child and waits for the runner's "ready". */
  async start(): Promise<CallResult> {
    this.deadline = this.deadlineAt;
    const [cmd, ...args] = this.command();
    this.child = spawn(cmd, args, {
      stdio: ["pipe", "pipe", "pipe", "pipe"],
      detached: true,
      env: this.mode.kind === "bwrap" ? { PATH: "/usr/bin:/bin" } : {},
    });
    this.child.stdout!.on("data", () => {}); // forged "results" on stdout go nowhere
    this.child.stderr!.on(
      "data",
      (d: Buffer) => (this.stderrTail = (this.stderrTail + d.toString("utf8")).slice(-2000)),
    );
    this.child.stdin!.on("error", () => {});
    (this.child.stdio[3] as NodeJS.ReadableStream).on("data", (d: Buffer) => this.onData(d));
    this.child.on("exit", (code, signal) => {
      this.exitInfo = signal ? `killed by ${signal}` : `exited with status ${code}`;
      this.settle({ kind: "crashed", detail: this.exitInfo });
    });
    this.child.on("error", (e) => this.settle({ kind: "crashed", detail: e.message }));
    return this.wait(0, this.limits.startMs);
  }

  private onData(d: Buffer): void {
    let frames: unknown[];
    try {
      frames = this.reader.push(d);
    } catch (e) {
      this.kill();
      this.settle({ kind: "crashed", detail: `protocol violation (${(e as Error).message})` });
      return;
    }
    for (const f of frames) {
      const r = f as Reply;
      if (this.pending && r && typeof r === "object" && r.id === this.pending.id)
        this.settle({ kind: "reply", reply: r });
    }
  }

  private settle(r: CallResult): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.resolve(r);
  }

  private wait(id: number, ms: number): Promise<CallResult> {
    const left = Math.max(0, Math.min(ms, this.deadline - Date.now()));
    const which = left < ms ? "submission" : "call";
    return new Promise((resolve) => {
      if (this.exitInfo) return resolve({ kind: "crashed", detail: this.exitInfo });
      const timer = setTimeout(() => {
        this.kill();
        this.settle({ kind: "timeout", which });
      }, left);
      this.pending = { id, resolve, timer };
    });
  }

  /** Sends one request; the answer, or how the child failed. */
  call(req: Request extends infer R ? (R extends unknown ? Omit<R, "id"> : never) : never): Promise<CallResult> {
    if (!this.child || this.exitInfo || this.killed)
      return Promise.resolve({ kind: "crashed", detail: this.exitInfo ?? "not started" });
    const id = this.nextId++;
    const p = this.wait(id, this.limits.callMs);
    this.child.stdin!.write(encodeFrame({ ...req, id }));
    return p;
  }

  get alive(): boolean {
    return !!this.child && !this.exitInfo && !this.killed;
  }

  get timeLeft(): number {
    return this.deadline - Date.now();
  }

  /**
   * Ends a child that did its work: closes its stdin (the runner then exits), waits up to `ms`,
   * then kills. A clean exit lets the kernel account the child's CPU time to the grader.
   */
  async close(ms = 1000): Promise<void> {
    if (!this.child || this.exitInfo || this.killed) return this.kill();
    const exited = new Promise<void>((resolve) => this.child!.once("exit", () => resolve()));
    this.child.stdin!.end();
    const timer = new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
    await Promise.race([exited, timer]);
    this.kill();
  }

  /** SIGKILL to the whole process group; the pid namespace dies with its init. */
  kill(): void {
    this.killed = true;
    const pid = this.child?.pid;
    if (pid === undefined || this.exitInfo) return;
    this.exitInfo = "killed by the grader";
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      try {
        this.child!.kill("SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }
}

export type CallResult =
  | { kind: "reply"; reply: Reply }
  | { kind: "timeout"; which: "call" | "submission" }
  | { kind: "crashed"; detail: string };
