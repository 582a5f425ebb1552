// npm run build (also run by postinstall): compiles src/ to dist/ as CommonJS with declarations,
// using tslab's own TypeScript 5.0, so every notebook can `import { ... } from "vae-lab"` whichever
// folder Jupyter was started from (docs/design.md §2). npm itself keeps the node_modules/vae-lab link (the
// dependency "vae-lab": "file:."); this only makes it where it is missing.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = process.cwd();
const tsc = join(root, "node_modules", "@tslab", "typescript-for-tslab", "bin", "tsc");
if (!existsSync(tsc)) {
  console.error("build: tslab's TypeScript is missing; run npm install first.");
  process.exit(1);
}
rmSync(join(root, "dist"), { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
if (r.status !== 0) {
  console.error(
    "build: src/ does not compile under tslab's TypeScript 5.0 (see above); notebooks would fail to import it.",
  );
  process.exit(r.status ?? 1);
}
// dist/ is CommonJS (tslab runs notebook code through require), although the package is ESM.
writeFileSync(join(root, "dist", "package.json"), '{ "type": "commonjs" }\n');

const link = join(root, "node_modules", "vae-lab");
let isLink = false;
try {
  isLink = lstatSync(link).isSymbolicLink();
} catch {
  // not there yet
}
if (!isLink) {
  mkdirSync(join(root, "node_modules"), { recursive: true });
  rmSync(link, { recursive: true, force: true });
  symlinkSync("..", link, "dir");
}

// The native fast path (scripts/build-native.mjs): never fails the build, says one line if skipped.
spawnSync(process.execPath, [join(root, "scripts", "build-native.mjs"), "--quiet"], { stdio: "inherit" });
