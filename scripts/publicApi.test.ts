import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ALLOWED, KNOWN_HELPERS } from "../grading/jail/library";

/** The code cells of every committed notebook (notebooks/ and solutions/). */
function notebookSources(): string[] {
  return ["notebooks", "solutions"].flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith(".ipynb"))
      .flatMap(
        (f) =>
          JSON.parse(readFileSync(join(dir, f), "utf8")).cells as { cell_type: string; source: string | string[] }[],
      )
      .filter((c) => c.cell_type === "code")
      .map((c) => ([] as string[]).concat(c.source).join("")),
  );
}

/** The names the notebooks import from `specifier`. */
function notebookImports(specifier: string): Set<string> {
  const used = new Set<string>();
  for (const source of notebookSources()) {
    for (const m of source.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
      if (m[2] !== specifier) continue;
      for (const part of m[1].split(",")) {
        const name = part
          .replace(/^\s*type\s+/, "")
          .split(/\s+as\s+/)[0]
          .trim();
        if (name) used.add(name);
      }
    }
  }
  return used;
}

/** The names a module exports, values and types apart. */
function exportsOf(file: string): { values: Set<string>; types: Set<string> } {
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const values = new Set<string>(),
    types = new Set<string>();
  for (const s of checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!)) {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    (target.flags & ts.SymbolFlags.Value ? values : types).add(s.name);
  }
  return { values, types };
}

describe('the public API, "vae-lab" (index.ts: src/index.ts and the exercises\' check)', () => {
  const main = exportsOf("index.ts");
  const library = exportsOf("src/index.ts");
  const instructor = exportsOf("src/instructor.ts");

  it("exports every name a notebook imports from it", () => {
    const missing = [...notebookImports("vae-lab")].filter((n) => !main.values.has(n) && !main.types.has(n));
    expect(missing, "add them to src/index.ts").toEqual([]);
  });

  it("exports values only if a notebook uses them or graded code may name them (grading/jail/library.ts)", () => {
    const used = notebookImports("vae-lab");
    const graded = new Set([...KNOWN_HELPERS, ...Object.values(ALLOWED).flatMap((names) => Object.keys(names))]);
    const extra = [...main.values].filter((n) => !used.has(n) && !graded.has(n));
    expect(extra, "move them to src/instructor.ts").toEqual([]);
  });

  it('is, apart from check(), part of "vae-lab/instructor", which adds the instructor and tool APIs', () => {
    expect([...main.values, ...main.types].filter((n) => n !== "check").sort()).toEqual(
      [...library.values, ...library.types].sort(),
    );
    expect(
      [...library.values, ...library.types].filter((n) => !instructor.values.has(n) && !instructor.types.has(n)),
    ).toEqual([]);
    expect(instructor.values.size).toBeGreaterThan(library.values.size);
  });

  it("is reached through package.json's entries only, never by deep paths into dist/", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8"));
    expect(Object.keys(pkg.exports)).toEqual([".", "./instructor", "./package.json"]);
    expect(pkg.typesVersions["*"].instructor).toEqual([pkg.exports["./instructor"].types.replace(/^\.\//, "")]);
    const specifiers = new Set(
      notebookSources().flatMap((s) => [...s.matchAll(/from\s*"(vae-lab[^"]*)"/g)].map((m) => m[1])),
    );
    expect([...specifiers].filter((s) => s !== "vae-lab" && s !== "vae-lab/instructor")).toEqual([]);
  });
});
