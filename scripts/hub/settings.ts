/**
 * What `npm run hub` writes to <state>/hub.json: every value scripts/hub/jupyterhub_config.py maps
 * onto JupyterHub's settings, and what `npm run collect -- --from <state>` reads back (where the
 * homes are, which folder holds the lessons, who may log in). Pure: options in, settings out.
 *
 * @example
 * hubSettings({ demo: true, host: "127.0.0.1", port: 8000, … }).singleuserCmd; //=> ["jupyterhub-singleuser"]
 */
import * as path from "node:path";
import { LESSONS_FOLDER } from "./seed";

export const SETTINGS_FILE = "hub.json";
/** The environment variable that names the state folder: the config finds hub.json by it, and every process of the hub carries it. */
export const HUB_ENV_VAR = "VAE_LAB_HUB";

export interface HubOptions {
  demo: boolean;
  host: string;
  port: number;
  hubPort: number;
  proxyApiPort: number;
  stateDir: string;
  /** Demo: the folder holding one home per user. */
  homes: string;
  users: string[];
  groups: string[];
  admins: string[];
  demoPassword: string;
  /** The project (its notebooks/ are the released lessons; its library is what notebooks import). */
  project: string;
  /** Node and tsx that run our seeding code. */
  node: string;
  /** The Jupyter data dir holding the vae-lab kernelspec (scripts/jupyter.ts registerKernel). */
  jupyterPath: string;
  /** Spawner.mem_limit / cpu_limit ("2G", 1): enforced by spawners that can (see docs/course-setup.md). */
  memLimit?: string;
  cpuLimit?: number;
  /** Tasks (processes + threads) per student uid, enforced with prlimit (PAM only: every demo user is the hub's own uid). */
  nproc: number;
  /** Minutes after which an idle kernel is stopped, and an idle server stops itself (0: never). */
  idleKernelMinutes: number;
  idleServerMinutes: number;
  /** The hub runs as root (servers of demo users then run as root too, which Jupyter refuses without --allow-root). */
  root: boolean;
}

export interface HubSettings {
  version: 1;
  mode: "demo" | "pam";
  bindUrl: string;
  hubPort: number;
  proxyApiPort: number;
  /** Demo: the folder of homes; PAM: null (each student's system home). */
  homes: string | null;
  lessonsFolder: string;
  users: string[];
  groups: string[];
  admins: string[];
  demoPassword: string | null;
  seedCommand: string[];
  singleuserCmd: string[];
  singleuserArgs: string[];
  environment: Record<string, string>;
  memLimit: string | null;
  cpuLimit: number | null;
}

/** The command the pre-spawn hook runs (the home is appended): our seeding code, by absolute paths. */
export function seedCommand(project: string, node: string): string[] {
  return [
    node,
    path.join(project, "node_modules", "tsx", "dist", "cli.mjs"),
    path.join(project, "scripts", "hub", "seed.ts"),
    "--lessons",
    path.join(project, "notebooks"),
    "--project",
    project,
  ];
}

export function hubSettings(o: HubOptions): HubSettings {
  const host = o.host.includes(":") && !o.host.startsWith("[") ? `[${o.host}]` : o.host;
  const limits = o.demo ? [] : ["prlimit", `--nproc=${o.nproc}`, "--"];
  const idle = [
    ...(o.idleKernelMinutes > 0
      ? [
          `--MappingKernelManager.cull_idle_timeout=${o.idleKernelMinutes * 60}`,
          "--MappingKernelManager.cull_interval=120",
        ]
      : []),
    ...(o.idleServerMinutes > 0 ? [`--NotebookApp.shutdown_no_activity_timeout=${o.idleServerMinutes * 60}`] : []),
  ];
  return {
    version: 1,
    mode: o.demo ? "demo" : "pam",
    bindUrl: `http://${host}:${o.port}`,
    hubPort: o.hubPort,
    proxyApiPort: o.proxyApiPort,
    homes: o.demo ? path.resolve(o.homes) : null,
    lessonsFolder: LESSONS_FOLDER,
    users: o.users,
    groups: o.groups,
    admins: o.admins,
    demoPassword: o.demo ? o.demoPassword : null,
    seedCommand: seedCommand(o.project, o.node),
    singleuserCmd: [...limits, "jupyterhub-singleuser"],
    singleuserArgs: [...(o.demo && o.root ? ["--allow-root"] : []), ...idle],
    environment: {
      JUPYTER_PATH: o.jupyterPath,
      [HUB_ENV_VAR]: path.resolve(o.stateDir),
    },
    memLimit: o.memLimit ?? null,
    cpuLimit: o.cpuLimit ?? null,
  };
}
