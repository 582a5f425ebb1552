/**
 * Finding every process of one hub: JupyterHub, its proxy, each student's server and their
 * kernels all carry VAE_LAB_HUB=<state folder> in their environment (scripts/hub/settings.ts), and
 * students' servers run in sessions of their own (LocalProcessSpawner), so the environment, not the
 * process group, is what ties them together. `npm run hub` stops what is left after the hub exits;
 * the hub test asserts nothing is left. Linux (/proc); elsewhere nothing is found.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { HUB_ENV_VAR } from "./settings";

/** Pids whose environment holds VAE_LAB_HUB=<stateDir> (other users' processes are visible to root only). */
export function hubProcesses(stateDir: string): number[] {
  const marker = Buffer.from(`\0${HUB_ENV_VAR}=${path.resolve(stateDir)}\0`);
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const env = Buffer.concat([Buffer.from([0]), fs.readFileSync(`/proc/${e}/environ`)]);
      if (env.includes(marker)) pids.push(Number(e));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** Sends `signal` to each pid; returns those that were still there. */
export function signalAll(pids: number[], signal: NodeJS.Signals): number[] {
  return pids.filter((pid) => {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  });
}

/** SIGTERM, a grace period, then SIGKILL for every process of the hub; resolves with what had to be killed. */
export async function stopHubProcesses(stateDir: string, graceMs = 5000): Promise<number[]> {
  if (signalAll(hubProcesses(stateDir), "SIGTERM").length === 0) return [];
  const until = Date.now() + graceMs;
  while (Date.now() < until && hubProcesses(stateDir).length) await new Promise((r) => setTimeout(r, 100));
  return signalAll(hubProcesses(stateDir), "SIGKILL");
}
