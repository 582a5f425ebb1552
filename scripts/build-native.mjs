// npm run build:native (also run by scripts/build.mjs, hence by npm install): builds the native fast
// path, native/vae_lab_native.c → native/build/Release/vae_lab_native.node (src/engine/native.ts).
//
// It never fails the install: without a C compiler, Node's headers or make, it prints one line and
// training runs on WASM as before. The addon needs no BLAS to build (OpenBLAS is opened at run time).
// Tried in turn: node-gyp (npm's own copy; with --nodedir when Node's headers are installed locally,
// so nothing is downloaded), then the C compiler directly. Skipped when the addon is newer than its
// sources, or when VAE_LAB_NATIVE=0. `--force` rebuilds; `--quiet` prints nothing on success.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const root = process.cwd();
const dir = join(root, "native");
const out = join(dir, "build", "Release", "vae_lab_native.node");
const sources = [join(dir, "vae_lab_native.c"), join(dir, "binding.gyp")];
const log = join(dir, "build", "build.log");
const args = new Set(process.argv.slice(2));
const say = (line) => console.log(`vae-lab native: ${line}`);

const off = ["0", "off", "false", "no"].includes((process.env.VAE_LAB_NATIVE ?? "").trim().toLowerCase());
if (off) {
  say("skipped (VAE_LAB_NATIVE=0); training uses WASM.");
  process.exit(0);
}
if (!sources.every((f) => existsSync(f))) {
  say(`sources missing in ${dir}; training uses WASM.`);
  process.exit(0);
}
const upToDate = existsSync(out) && sources.every((f) => statSync(f).mtimeMs <= statSync(out).mtimeMs);
if (upToDate && !args.has("--force")) process.exit(0);

/** Folder holding include/node/node_api.h for the running Node, if installed locally. */
function nodeDir() {
  const candidates = [process.env.npm_config_nodedir, dirname(dirname(process.execPath)), "/usr", "/usr/local"];
  return candidates.find((d) => d && existsSync(join(d, "include", "node", "node_api.h")));
}

function nodeGypScript() {
  const fromNpm = process.env.npm_execpath
    ? join(dirname(process.env.npm_execpath), "..", "node_modules", "node-gyp", "bin", "node-gyp.js")
    : undefined;
  const candidates = [
    fromNpm,
    join(
      dirname(dirname(process.execPath)),
      "lib",
      "node_modules",
      "npm",
      "node_modules",
      "node-gyp",
      "bin",
      "node-gyp.js",
    ),
    join(root, "node_modules", "node-gyp", "bin", "node-gyp.js"),
  ];
  return candidates.find((f) => f && existsSync(f));
}

const transcript = [];
function run(cmd, argv, options = {}) {
  const r = spawnSync(cmd, argv, { cwd: dir, encoding: "utf8", timeout: 180_000, ...options });
  transcript.push(
    `$ ${cmd} ${argv.join(" ")}\n${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}\nexit ${r.status}`,
  );
  return r.status === 0;
}

function lastError() {
  const text = transcript.join("\n");
  const line = text
    .split("\n")
    .reverse()
    .find(
      (l) =>
        /error|not found|No such file|ENOENT/i.test(l) &&
        !/^gyp ERR! (stack|System|command|cwd|node -v|node-gyp -v|not ok)/.test(l),
    );
  if (/spawnSync (\S+) ENOENT/.test(line ?? ""))
    return `no C compiler found (${/spawnSync (\S+) ENOENT/.exec(line)[1]})`;
  return (line ?? "unknown reason")
    .replace(/^gyp ERR! /, "")
    .trim()
    .slice(0, 160);
}

const headers = nodeDir();
const gyp = nodeGypScript();
let built = false;
if (gyp) {
  built = run(process.execPath, [gyp, "rebuild", ...(headers ? [`--nodedir=${headers}`] : []), "--loglevel=warn"]);
}
if (!built && headers && process.platform !== "win32") {
  // Without node-gyp (or when it failed): one compiler call does the same job for this one file.
  mkdirSync(dirname(out), { recursive: true });
  const cc = process.env.CC || "cc";
  const flags = [
    "-O3",
    "-ffp-contract=off",
    "-fno-math-errno",
    "-fPIC",
    "-shared",
    "-pthread",
    `-I${join(headers, "include", "node")}`,
  ];
  if (process.platform === "darwin") flags.push("-undefined", "dynamic_lookup");
  built = run(cc, [
    ...flags,
    "-DNODE_GYP_MODULE_NAME=vae_lab_native",
    "vae_lab_native.c",
    "-o",
    out,
    "-ldl",
    "-lm",
    "-lpthread",
  ]);
}
mkdirSync(dirname(log), { recursive: true });
writeFileSync(log, transcript.join("\n\n") + "\n");
if (!built || !existsSync(out)) {
  const why = !headers && !gyp ? "no node-gyp and no Node.js headers" : lastError();
  say(`not built (${why}); training uses WASM. Details: native/build/build.log`);
  process.exit(0);
}
if (!args.has("--quiet")) say("built native/build/Release/vae_lab_native.node (OpenBLAS is loaded at run time)");
