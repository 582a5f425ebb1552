#!/usr/bin/env node
// `vae-lab <command>`: the package's command-line entry. `vae-lab grade …` runs the autograder
// (grading/cli.ts), `vae-lab collect …` the collector (grading/collect.ts), through tsx, from
// wherever vae-lab is installed.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const [command, ...rest] = process.argv.slice(2);
const commands = { grade: "grading/cli.ts", collect: "grading/collect.ts" };
if (!command || !(command in commands)) {
  process.stderr.write(
    `Usage: vae-lab <command> [options]\n\nCommands:\n  grade     grade submitted lesson notebooks (vae-lab grade --help)\n  collect   copy a lesson's notebooks out of the students' homes for grading (vae-lab collect --help)\n`,
  );
  process.exit(command === "--help" || command === "-h" ? 0 : 2);
}
const tsx = createRequire(import.meta.url).resolve("tsx/cli", { paths: [root] });
const r = spawnSync(process.execPath, [tsx, join(root, commands[command]), ...rest], { stdio: "inherit" });
process.exit(r.status ?? 1);
