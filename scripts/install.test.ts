// The install contract (README: Development): the node_modules/vae-lab link every notebook imports
// from is a dependency npm itself keeps (`"vae-lab": "file:."`), so `npm install <pkg>` and
// `npm prune` leave it in place, and npm ci recreates it from the lock file. .ci/run checks that
// npm install leaves package-lock.json unchanged.
import { spawnSync } from "node:child_process";
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync("package.json", "utf8"));
const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));

describe("the vae-lab link notebooks import from", () => {
  it("is a dependency of the project on itself, recorded in the lock file as a link", () => {
    expect(pkg.dependencies["vae-lab"]).toBe("file:.");
    expect(lock.packages["node_modules/vae-lab"]).toEqual({ resolved: "", link: true });
    expect(lock.packages[""].dependencies["vae-lab"]).toBe("file:.");
  });

  it("is there now, pointing at the project", () => {
    expect(lstatSync("node_modules/vae-lab").isSymbolicLink()).toBe(true);
    expect(readlinkSync("node_modules/vae-lab")).toBe("..");
  });

  // npm's own behaviour, offline, on a project that declares the link exactly as ours does.
  const dir = mkdtempSync(join(tmpdir(), "vae-lab-install-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const npm = (...args: string[]) => {
    const r = spawnSync(
      "npm",
      [...args, "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
      { cwd: dir, encoding: "utf8", env: { ...process.env, npm_config_cache: join(dir, ".npm") } },
    );
    expect(r.status, `npm ${args.join(" ")}: ${r.stderr}`).toBe(0);
  };
  const linked = () =>
    lstatSync(join(dir, "node_modules", "vae-lab")).isSymbolicLink() &&
    readlinkSync(join(dir, "node_modules", "vae-lab")) === "..";

  it("survives npm install <pkg> and npm prune, and npm ci makes it again", () => {
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        name: pkg.name,
        version: pkg.version,
        private: true,
        dependencies: { "vae-lab": pkg.dependencies["vae-lab"] },
      }),
    );
    mkdirSync(join(dir, "extra"));
    writeFileSync(join(dir, "extra", "package.json"), JSON.stringify({ name: "extra", version: "1.0.0" }));
    npm("install");
    expect(linked()).toBe(true);
    npm("install", "./extra");
    expect(linked()).toBe(true);
    npm("prune");
    expect(linked()).toBe(true);
    rmSync(join(dir, "node_modules"), { recursive: true });
    npm("ci");
    expect(linked()).toBe(true);
    cpSync(join(dir, "package-lock.json"), join(dir, "lock.before"));
    npm("install");
    expect(readFileSync(join(dir, "package-lock.json"), "utf8")).toBe(readFileSync(join(dir, "lock.before"), "utf8"));
  });
});
