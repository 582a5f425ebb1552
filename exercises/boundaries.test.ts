/**
 * The project's import boundaries, read from the sources' import statements: the library (src/)
 * builds without the course's exercises and without the grader; the exercises never reach the
 * grader (its hidden suites and catalogue); and what learners get (the package entry's closure,
 * compiled into dist/ by `npm run build`) holds no file of grading/.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { exercises } from "./index";

const root = path.resolve(__dirname, "..");
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*["']([^"']+)["']|(?:^|[\s;(=])import\s*\(\s*["']([^"']+)["']\s*\)|require\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm;

const walk = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? walk(path.join(dir, e.name))
        : /\.(ts|mjs|cjs|js)$/.test(e.name)
          ? [path.join(dir, e.name)]
          : [],
    );

/** The files a source file imports by relative path (resolved, with .ts or /index.ts added). */
function localImports(file: string): string[] {
  const out: string[] = [];
  for (const m of fs.readFileSync(file, "utf8").matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (!spec.startsWith(".")) continue;
    const base = path.resolve(path.dirname(file), spec);
    out.push(
      [base, `${base}.ts`, path.join(base, "index.ts")].find((p) => fs.existsSync(p) && fs.statSync(p).isFile()) ??
        base,
    );
  }
  return out;
}

const rel = (p: string) => path.relative(root, p).split(path.sep).join("/");
const crossings = (dir: string, allowed: (target: string, from: string) => boolean) =>
  walk(path.join(root, dir)).flatMap((f) =>
    localImports(f)
      .filter((t) => !allowed(rel(t), rel(f)))
      .map((t) => `${rel(f)} → ${rel(t)}`),
  );

describe("import boundaries", () => {
  it("the library imports only itself (its tests may use scripts/' test helpers), never exercises/ or grading/", () => {
    expect(
      crossings("src", (t, f) => t.startsWith("src/") || (/\.test\.ts$/.test(f) && t.startsWith("scripts/"))),
    ).toEqual([]);
  });

  it("the exercises import the library and each other, never the grader", () => {
    expect(crossings("exercises", (t) => t.startsWith("src/") || t.startsWith("exercises/"))).toEqual([]);
  });

  it("what learners get — the package entry's closure, built into dist/ — holds no file of grading/ and no test", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { main: string };
    expect(pkg.main).toBe("dist/index.js");
    const seen = new Set<string>();
    const visit = (f: string) => {
      if (seen.has(f)) return;
      seen.add(f);
      for (const t of localImports(f)) if (t.endsWith(".ts")) visit(t);
    };
    visit(path.join(root, "index.ts"));
    const closure = [...seen].map(rel);
    expect(closure).toContain("exercises/notebook.ts"); // check() reaches the notebooks through the entry
    expect(closure.filter((f) => !/^(index\.ts|src\/|exercises\/)/.test(f) || f.endsWith(".test.ts"))).toEqual([]);
    // The build compiles exactly the entry, src/ and exercises/ (no grading/, no tests).
    const build = JSON.parse(fs.readFileSync(path.join(root, "tsconfig.build.json"), "utf8")) as {
      include: string[];
      exclude: string[];
    };
    expect([...build.include].sort()).toEqual(["exercises", "index.ts", "src"]);
    expect(build.exclude).toContain("**/*.test.ts");
  });
});

describe("the exercises' folders", () => {
  it("are one per registered exercise, each with its contract, mistakes and tests, and the hidden suite in grading/", () => {
    const dir = path.join(root, "exercises");
    const folders = fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.sort()).toEqual(Object.keys(exercises).sort());
    for (const id of folders) {
      expect(fs.readdirSync(path.join(dir, id)).sort(), id).toEqual(["contract.test.ts", "contract.ts", "mistakes.ts"]);
      expect(fs.existsSync(path.join(root, "grading", "hidden", `${id}.ts`)), id).toBe(true);
    }
  });
});
