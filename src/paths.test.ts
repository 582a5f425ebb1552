import { mkdirSync, mkdtempSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cacheDir, projectRoot } from "./paths";

/** A temporary tree: <tmp>/outer (package.json "vae-lab") / inner (package.json "other") / notebooks. */
function tree() {
  const base = realpathSync(mkdtempSync(join(tmpdir(), "paths-")));
  const outer = join(base, "outer");
  const inner = join(outer, "inner");
  const notebooks = join(inner, "notebooks");
  mkdirSync(notebooks, { recursive: true });
  writeFileSync(join(outer, "package.json"), JSON.stringify({ name: "vae-lab" }));
  writeFileSync(join(inner, "package.json"), JSON.stringify({ name: "other" }));
  return { base, outer, inner, notebooks };
}

describe("projectRoot", () => {
  it("walks up past other packages to the package.json named vae-lab", () => {
    const { outer, notebooks } = tree();
    expect(projectRoot(notebooks)).toBe(outer);
    expect(projectRoot(outer)).toBe(outer);
  });

  it("is undefined outside any vae-lab project, and skips an unreadable package.json", () => {
    const { base } = tree();
    expect(projectRoot(base)).toBeUndefined();
    const broken = join(base, "broken");
    mkdirSync(broken);
    writeFileSync(join(broken, "package.json"), "{ not json");
    expect(projectRoot(broken)).toBeUndefined();
  });

  it("finds this repository from the working directory", () => {
    expect(projectRoot()).toBeDefined();
    expect(projectRoot(join(projectRoot()!, "src", "vae", "data"))).toBe(projectRoot());
  });
});

describe("cacheDir", () => {
  it("uses VAE_LAB_CACHE first, resolved against the working directory, and creates it", () => {
    const { base, notebooks } = tree();
    expect(cacheDir({ VAE_LAB_CACHE: join(base, "mine", "cache") }, notebooks)).toBe(join(base, "mine", "cache"));
    expect(statSync(join(base, "mine", "cache")).isDirectory()).toBe(true);
    expect(cacheDir({ VAE_LAB_CACHE: "relative" }, notebooks)).toBe(join(notebooks, "relative"));
  });

  it("uses <project root>/.cache inside a project", () => {
    const { outer, notebooks } = tree();
    expect(cacheDir({}, notebooks)).toBe(join(outer, ".cache"));
    expect(statSync(join(outer, ".cache")).isDirectory()).toBe(true);
  });

  it("falls back to ~/.cache/vae-lab outside a project", () => {
    const { base } = tree();
    const home = join(base, "home");
    expect(cacheDir({ HOME: home }, base)).toBe(join(home, ".cache", "vae-lab"));
    expect(statSync(join(home, ".cache", "vae-lab")).isDirectory()).toBe(true);
  });

  it("says how to fix a cache folder it cannot create", () => {
    const { base } = tree();
    const file = join(base, "a-file");
    writeFileSync(file, "");
    expect(() => cacheDir({ VAE_LAB_CACHE: join(file, "cache") }, base)).toThrow(
      new RegExp(
        `^Cannot create the vae-lab cache folder ${join(file, "cache")} \\(.+\\)\\. Set VAE_LAB_CACHE to a folder you can write to`,
      ),
    );
  });
});
