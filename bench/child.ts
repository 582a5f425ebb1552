/**
 * The bench's measurements run in child processes that print one JSON line last (bench/workload.ts,
 * bench/torch_ref.py, bench/notebook_latency.py, …): reading that line, and medians of the figures.
 */
import type { SpawnSyncReturns } from "node:child_process";

/** The child's last stdout line that starts with "{", parsed; throws "exit N: <stderr's last lines>" if it failed or printed none. */
export function lastJsonLine<T>(r: SpawnSyncReturns<string>, stderrLines = 2): T {
  const line = (r.stdout ?? "")
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .pop();
  if (r.status !== 0 || !line) {
    const tail = (r.stderr ?? "")
      .trim()
      .split("\n")
      .filter((l) => l.length < 400)
      .slice(-stderrLines)
      .join(" | ");
    throw new Error(`exit ${r.status ?? r.signal}: ${tail}`);
  }
  return JSON.parse(line) as T;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
