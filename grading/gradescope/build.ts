/**
 * `npm run grade:gradescope [-- --out FILE]`: builds Gradescope's autograder zip. Its root holds
 * setup.sh (installs Node 22 LTS, bubblewrap and the grader's npm packages, once per image) and
 * run_autograder (grades /autograder/submission with the same grader, writes
 * /autograder/results/results.json), plus the grader's sources under vae-lab/.
 * The hidden tests go only into the zip the instructor uploads, never to students.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { formatOptions, parseCommandLine } from "../../cli/args";
import { projectDir } from "../jail/bundle";
import { zip, type ZipEntry } from "./zip";

/** The Node.js major version setup.sh installs: an active LTS line. */
export const NODE_MAJOR = 22;

export const SETUP_SH = `#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# bubblewrap: the jail student code runs in; util-linux: prlimit and setpriv.
apt-get install -y -qq --no-install-recommends ca-certificates curl gnupg bubblewrap util-linux
# Node 22 LTS (24 also works); an image that already has 22 or newer keeps it.
if ! node --version 2>/dev/null | grep -Eq '^v(2[2-9]|[3-9][0-9])\\.'; then
  curl -fsSL https://deb.nodesource.com/setup_${NODE_MAJOR}.x | bash -
  apt-get install -y -qq nodejs
fi
cd /autograder/source/vae-lab
# Only what grading needs: no dev tools, no native tfjs builds.
npm install --omit=dev --ignore-scripts --no-audit --no-fund
`;

export const RUN_AUTOGRADER = `#!/usr/bin/env bash
# Gradescope runs this once per submission. AUTOGRADER_ROOT lets it run on a local copy for testing.
set -uo pipefail
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
cd "$ROOT/source/vae-lab"
mkdir -p "$ROOT/results"
exec node node_modules/tsx/dist/cli.mjs grading/gradescope/run.ts --submission "$ROOT/submission" --results "$ROOT/results/results.json"
`;

/** What the grader needs at run time, relative to the project. */
const INCLUDE = [
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "src",
  "cli",
  "exercises",
  "grading",
  "solutions",
];
const skip = (rel: string) =>
  /(^|\/)(node_modules|\.cache|dist|out)(\/|$)|\.test\.ts$|(^|\/)\.ipynb_checkpoints(\/|$)/.test(rel);

export function autograderEntries(root = projectDir): ZipEntry[] {
  const entries: ZipEntry[] = [
    { name: "setup.sh", data: Buffer.from(SETUP_SH), mode: 0o755 },
    { name: "run_autograder", data: Buffer.from(RUN_AUTOGRADER), mode: 0o755 },
  ];
  const add = (rel: string) => {
    const abs = path.join(root, rel);
    if (skip(rel) || !fs.existsSync(abs)) return;
    const st = fs.statSync(abs);
    if (st.isDirectory()) for (const f of fs.readdirSync(abs).sort()) add(path.posix.join(rel, f));
    else if (st.isFile())
      entries.push({ name: `vae-lab/${rel}`, data: fs.readFileSync(abs), mode: st.mode & 0o111 ? 0o755 : 0o644 });
  };
  for (const r of INCLUDE) add(r);
  return entries;
}

const spec = {
  out: { type: "string", default: "out/gradescope/autograder.zip", help: "where to write the zip" },
  help: { type: "boolean", help: "show this help" },
} as const;
const usage = `Usage: npm run grade:gradescope [-- --out FILE]

Builds the autograder zip to upload to Gradescope ("Zip file upload" in the autograder settings).

Options:
${formatOptions(spec)}
`;

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, spec, usage, "npm run grade:gradescope");
  if ("exit" in parsed) return parsed.exit;
  const out = path.resolve(parsed.args.out!);
  const entries = autograderEntries();
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(`${out}.tmp`, zip(entries));
  fs.renameSync(`${out}.tmp`, out);
  process.stdout.write(
    `${path.relative(process.cwd(), out)}: ${entries.length} files, ${(fs.statSync(out).size / 1024).toFixed(0)} kB. Upload it as the autograder in Gradescope.\n`,
  );
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname))
  main(process.argv.slice(2)).then((c) => process.exit(c));
