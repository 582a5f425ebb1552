/**
 * `npm run hub`: a JupyterHub for a class on this machine (docs/course-setup.md). Writes the hub's
 * settings (scripts/hub/settings.ts → <state>/hub.json, read by scripts/hub/jupyterhub_config.py),
 * registers the vae-lab kernel where every student's server finds it (scripts/jupyter.ts), starts
 * JupyterHub with its log in <state>/hub.log, prints who can log in where, and on Ctrl-C stops the
 * hub and every process it started. Each student's lessons are seeded before each of their server
 * starts (scripts/hub/seed.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { createServer } from "node:net";
import { hostname } from "node:os";
import * as path from "node:path";
import { formatOptions, invokedDirectly, parseCommandLine } from "../cli/args";
import { isLoopback, serverUrl } from "../src/playground/server";
import { detectPart } from "../src/testing/systemParts";
import { systemAccounts } from "./hub/accounts";
import { hubProcesses, stopHubProcesses } from "./hub/processes";
import { LESSONS_FOLDER } from "./hub/seed";
import { HUB_ENV_VAR, hubSettings, SETTINGS_FILE, type HubSettings } from "./hub/settings";
import { buildLibrary, findPython, KERNEL_DISPLAY_NAME, registerKernel, ROOT } from "./jupyter";

const spec = {
  demo: {
    type: "boolean",
    help: "try it out: any name from --users logs in with one shared password, homes under --homes, servers run as this user (never for a real class)",
  },
  users: { type: "string", help: "who may log in, comma-separated (PAM: system user names; --demo: any names)" },
  groups: {
    type: "string",
    help: "PAM: instead of --users, the members of these system groups (listed in /etc/group, e.g. useradd -G) may log in, comma-separated",
  },
  admins: {
    type: "string",
    help: "hub admins (may stop students' servers), comma-separated; they must be allowed to log in too (in --users or --groups)",
  },
  password: { type: "string", help: "--demo: the shared password (default: a random one, printed)" },
  host: {
    type: "string",
    default: "127.0.0.1",
    help: "address to listen on; anything but loopback exposes the hub to your network",
  },
  port: {
    type: "number",
    integer: true,
    min: 0,
    max: 65535,
    default: 8000,
    help: "port of the hub's address (0 picks a free one)",
  },
  state: { type: "string", help: "folder for the hub's settings, database, kernel and log (default .cache/hub)" },
  homes: { type: "string", help: "--demo: folder of the users' homes (default <state>/homes)" },
  "mem-limit": {
    type: "string",
    help: "memory per student's server, e.g. 2G (enforced by SystemdSpawner and Kubernetes, not by local processes: see docs/course-setup.md)",
  },
  "cpu-limit": { type: "number", min: 0.1, help: "CPUs per student's server (enforced like --mem-limit)" },
  nproc: {
    type: "number",
    integer: true,
    min: 32,
    default: 512,
    help: "PAM: processes and threads per student (enforced, with prlimit)",
  },
  "idle-kernel-minutes": {
    type: "number",
    integer: true,
    min: 0,
    default: 60,
    help: "stop kernels idle this long (0: never)",
  },
  "idle-server-minutes": {
    type: "number",
    integer: true,
    min: 0,
    default: 180,
    help: "a student's server idle this long stops itself (0: never)",
  },
  "install-kernel": {
    type: "string",
    help: "only register the vae-lab kernel under this prefix (e.g. /usr/local, for a container image: deploy/Dockerfile) and exit",
  },
  help: { type: "boolean", help: "show this help" },
} as const;

const usage = `Usage: npm run hub -- [--demo] [options]

Starts a JupyterHub for a class on this machine: students log in, each gets their own Jupyter server
with the vae-lab (TypeScript) kernel and the lessons in ~/${LESSONS_FOLDER} (copied on first login; a
student's own work is never overwritten: new lessons are added, changed ones arrive next to theirs).

  sudo npm run hub -- --groups students     system accounts (PAM) of the group "students"
  npm run hub -- --demo --users ada,ben     try it: two demo users with a shared password

Then collect and grade: npm run collect -- --from .cache/hub --lesson 01 --out submissions/
(docs/course-setup.md: from an empty server to exported grades). Ctrl-C stops the hub and every
student's server.

Options:
${formatOptions(spec)}
`;

const list = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Debian's configurable-http-proxy finds its modules in /usr/share/nodejs, which only Debian's own Node searches. */
function proxyNodePath(env: NodeJS.ProcessEnv): string | undefined {
  const debian = "/usr/share/nodejs";
  if (!fs.existsSync(path.join(debian, "configurable-http-proxy"))) return env.NODE_PATH;
  return [env.NODE_PATH, debian].filter(Boolean).join(":");
}

function onPath(name: string): boolean {
  return (process.env.PATH ?? "").split(":").some((d) => d && fs.existsSync(path.join(d, name)));
}

/** Folders from `dir` up that other users cannot enter (PAM: students' servers must read the project). */
function closedToOthers(dir: string): string[] {
  const closed: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if ((fs.statSync(d).mode & 0o005) !== 0o005) closed.push(d);
    if (path.dirname(d) === d) return closed;
  }
}

async function waitForHub(url: string, child: ChildProcess, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`JupyterHub exited (${child.signalCode ?? `status ${child.exitCode}`}) before it answered`);
    try {
      const r = await fetch(new URL("hub/api", url));
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`JupyterHub did not answer at ${url} within ${ms / 1000} s`);
}

/** A path as typed from here: relative inside the current folder, absolute outside it. */
const shownPath = (p: string) => {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith("..") ? rel : p;
};

function banner(s: HubSettings, url: string, state: string, log: string): string {
  const who =
    s.mode === "demo"
      ? `demo users ${s.users.length ? s.users.join(", ") : "(any name)"}, password: ${s.demoPassword}`
      : s.groups.length
        ? `system users in the group${s.groups.length > 1 ? "s" : ""} ${s.groups.join(", ")}`
        : s.users.length
          ? `system users ${s.users.join(", ")}`
          : "any system user of this machine (PAM): restrict with --users or --groups";
  return [
    "",
    `vae-lab hub: ${url}`,
    `  Log in:   ${who}`,
    ...(s.admins.length ? [`  Admins:   ${s.admins.join(", ")} (${url}hub/admin)`] : []),
    `  Lessons:  copied into each student's ~/${s.lessonsFolder} at login, kernel "${KERNEL_DISPLAY_NAME}"`,
    `  Collect:  npm run collect -- --from ${shownPath(state)} --lesson 01 --out submissions/`,
    `  Log:      ${log}`,
    "  Ctrl-C stops the hub and every student's server.",
    "",
  ].join("\n");
}

/** `--install-kernel <prefix>`: the vae-lab kernel where every Jupyter on this system (or image) finds it. */
function installKernel(prefix: string): number {
  const python = findPython(["jupyter_client"]);
  if (!python) {
    process.stderr.write("npm run hub: no python3 imports jupyter_client: sudo apt-get install jupyter-notebook.\n");
    return 1;
  }
  buildLibrary();
  const { specDir } = registerKernel(python, { prefix: path.resolve(prefix) });
  process.stdout.write(`Registered the "${KERNEL_DISPLAY_NAME}" kernel in ${specDir}.\n`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, spec, usage, "npm run hub");
  if ("exit" in parsed) return parsed.exit;
  const a = parsed.args;
  const fail = (msg: string, code = 1) => (process.stderr.write(`npm run hub: ${msg}\n`), code);
  if (a._.length) return fail(`unexpected argument "${a._[0]}" (see npm run hub -- --help).`, 2);
  if (a["install-kernel"]) return installKernel(a["install-kernel"]);
  const root = process.getuid?.() === 0;
  if (!a.demo && a.password)
    return fail(
      "--password is for --demo only: with system accounts (PAM) students log in with their own passwords.",
      2,
    );
  if (!a.demo && a.homes)
    return fail("--homes is for --demo only: with system accounts (PAM) each student's home is their system home.", 2);
  if (!a.demo && a.users && a.groups)
    return fail(
      "give --users or --groups, not both: JupyterHub ignores the users when groups are given. Add those users to the group instead (usermod -aG <group> <user>).",
      2,
    );
  if (!a.demo && !root)
    return fail(
      "system accounts (PAM) need the hub to run as root, to start each student's server as that student: sudo npm run hub. To try it without, add --demo.",
      2,
    );
  const hub = detectPart("jupyterhub");
  if (!hub.present)
    return fail(
      `JupyterHub is not installed (${hub.detail}): sudo apt-get install jupyterhub (it brings configurable-http-proxy).`,
    );
  if (!onPath("configurable-http-proxy"))
    return fail(
      "configurable-http-proxy is not on PATH: sudo apt-get install node-configurable-http-proxy (or npm install -g configurable-http-proxy).",
    );
  const python = findPython(["jupyterhub", "notebook"]);
  if (!python)
    return fail("no python3 imports both jupyterhub and notebook: sudo apt-get install jupyterhub jupyter-notebook.");
  if (!a.demo) {
    const accounts = systemAccounts();
    const unknown = [...list(a.users), ...list(a.admins)].filter((u) => !accounts.has(u));
    if (unknown.length)
      process.stderr.write(
        `Warning: ${unknown.join(", ")} ${unknown.length > 1 ? "are" : "is"} not a system account here: they cannot log in until you create them (useradd -m).\n`,
      );
    const closed = closedToOthers(ROOT);
    if (closed.length)
      process.stderr.write(
        `Warning: students' servers run as the students and must read this project, but ${closed.join(", ")} ${closed.length > 1 ? "are" : "is"} closed to other users: install vae-lab in a folder everyone can read (e.g. /opt/vae-lab) or chmod o+rx ${closed[0]}.\n`,
      );
  }

  const state = path.resolve(a.state ?? path.join(ROOT, ".cache", "hub"));
  const privateDir = path.join(state, "private");
  fs.mkdirSync(state, { recursive: true, mode: 0o755 });
  fs.mkdirSync(privateDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(privateDir, 0o700);
  if (hubProcesses(state).length)
    return fail(
      `a hub with the state folder ${state} is already running (pids ${hubProcesses(state).join(", ")}): stop it first, or give another --state.`,
    );

  buildLibrary();
  const { jupyterPath } = registerKernel(python, { prefix: state });
  const [port, hubPort, proxyApiPort] = [a.port === 0 ? await freePort() : a.port!, await freePort(), await freePort()];
  const settings = hubSettings({
    demo: !!a.demo,
    host: a.host!,
    port,
    hubPort,
    proxyApiPort,
    stateDir: state,
    homes: a.homes ?? path.join(state, "homes"),
    users: list(a.users),
    groups: list(a.groups),
    admins: list(a.admins),
    demoPassword: a.password ?? randomBytes(6).toString("base64url"),
    project: ROOT,
    node: process.execPath,
    jupyterPath: jupyterPath!,
    ...(a["mem-limit"] ? { memLimit: a["mem-limit"] } : {}),
    ...(a["cpu-limit"] ? { cpuLimit: a["cpu-limit"] } : {}),
    nproc: a.nproc!,
    idleKernelMinutes: a["idle-kernel-minutes"]!,
    idleServerMinutes: a["idle-server-minutes"]!,
    root,
  });
  if (settings.mode === "demo") fs.mkdirSync(settings.homes!, { recursive: true, mode: 0o755 });
  const settingsFile = path.join(state, SETTINGS_FILE);
  fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 1) + "\n", { mode: 0o600 });
  fs.chmodSync(settingsFile, 0o600); // holds the demo password

  const logFile = path.join(state, "hub.log");
  const log = fs.openSync(logFile, "a", 0o600); // names and addresses of who logged in
  const env = { ...process.env, [HUB_ENV_VAR]: state, NODE_PATH: proxyNodePath(process.env) ?? "" };
  const child = spawn("jupyterhub", ["-f", path.join(ROOT, "scripts", "hub", "jupyterhub_config.py")], {
    cwd: privateDir,
    env,
    stdio: ["ignore", log, log],
    detached: true,
  });
  fs.closeSync(log);
  const exited = new Promise<number>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))),
  );
  let stopping = false,
    startFailed = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${why}: stopping the hub and every student's server…\n`);
    try {
      process.kill(child.pid!, "SIGTERM");
    } catch {
      /* already gone */
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
  };
  process.on("SIGINT", () => void stop("Ctrl-C"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  // Listening on every address: show the machine's name, which students can type (serverUrl would show 127.0.0.1).
  const url = a.host === "0.0.0.0" || a.host === "::" ? `http://${hostname()}:${port}/` : serverUrl(a.host!, port);
  try {
    const everywhere = a.host === "0.0.0.0" || a.host === "::";
    await waitForHub(everywhere ? `http://127.0.0.1:${port}/` : serverUrl(a.host!, port), child, 90_000);
    process.stdout.write(banner(settings, url, state, logFile) + "\n");
    if (!isLoopback(a.host!))
      process.stderr.write(
        `Warning: --host ${a.host} is not a loopback address: anyone who can reach this machine on port ${port} can open the login page. Put HTTPS in front (docs/course-setup.md) before students log in: passwords travel in the clear otherwise.\n`,
      );
  } catch (e) {
    const tail = fs.readFileSync(logFile, "utf8").trim().split("\n").slice(-15).join("\n");
    process.stderr.write(`npm run hub: ${(e as Error).message}. The end of ${logFile}:\n${tail}\n`);
    await stop("start-up failed");
    startFailed = true;
  }
  const code = await exited;
  const killed = await stopHubProcesses(state);
  if (killed.length)
    process.stderr.write(
      `npm run hub: ${killed.length} process(es) of the hub were still running after it stopped and were killed (pids ${killed.join(", ")}).\n`,
    );
  return startFailed ? 1 : stopping ? 0 : code;
}

if (invokedDirectly(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`npm run hub: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
