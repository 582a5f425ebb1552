import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { releaseNotebook, serializeNotebook, type Cell, type Notebook } from "./release-core";

// Every fixture notebook also has the import its TODOs need (last, so cell numbers stay as written).
const setup: Cell = {
  cell_type: "code",
  source: 'import { NotImplementedError } from "vae-lab";',
  metadata: {},
  outputs: [],
  execution_count: null,
};
const nb = (...cells: Cell[]): Notebook => ({
  cells: [...cells, setup],
  metadata: { kernelspec: { name: "vae-lab" } },
  nbformat: 4,
  nbformat_minor: 4,
});
const code = (source: string, metadata: Record<string, unknown> = {}): Cell => ({
  cell_type: "code",
  source,
  metadata,
  outputs: [{ output_type: "stream", text: "x" }],
  execution_count: 3,
});
const text = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);

describe("release", () => {
  it("replaces a solution region with a TODO that throws NotImplementedError naming the function", () => {
    const out = releaseNotebook(
      nb(code("function reparameterize(mu, logVar) {\n  // BEGIN SOLUTION\n  return mu;\n  // END SOLUTION\n}")),
      "t",
    );
    expect(text(out.cells[0])).toBe(
      'function reparameterize(mu, logVar) {\n  // TODO: your code here\n  throw new NotImplementedError("reparameterize");\n}',
    );
  });

  it("names arrow functions and falls back to the nbgrader grade_id", () => {
    const arrow = releaseNotebook(
      nb(code("const slerp = (a, b, t) => {\n  // BEGIN SOLUTION\n  return a;\n  // END SOLUTION\n};")),
      "t",
    );
    expect(text(arrow.cells[0])).toContain('NotImplementedError("slerp")');
    const top = releaseNotebook(
      nb(code("// BEGIN SOLUTION\nconst answer = 42;\n// END SOLUTION", { nbgrader: { grade_id: "answer" } })),
      "t",
    );
    expect(text(top.cells[0])).toContain('NotImplementedError("answer")');
  });

  it("removes hidden tests, dropping cells that held nothing else", () => {
    const out = releaseNotebook(
      nb(
        code("a();\n// BEGIN HIDDEN TESTS\nsecret();\n// END HIDDEN TESTS\nb();"),
        code("// BEGIN HIDDEN TESTS\nsecret();\n// END HIDDEN TESTS"),
      ),
      "t",
    );
    expect(out.cells).toHaveLength(2); // the hidden-only cell is gone; the import cell stays
    expect(text(out.cells[0])).toBe("a();\nb();");
  });

  it("clears outputs and execution counts, and keeps nbgrader metadata", () => {
    const meta = { nbgrader: { grade_id: "x", solution: true, grade: false, locked: false, schema_version: 3 } };
    const out = releaseNotebook(nb(code("1", meta)), "t");
    expect(out.cells[0].outputs).toEqual([]);
    expect(out.cells[0].execution_count).toBeNull();
    expect(out.cells[0].metadata).toEqual(meta);
  });

  it("replaces marked markdown answers", () => {
    const md: Cell = {
      cell_type: "markdown",
      source: "Why?\n<!-- BEGIN SOLUTION -->\nBecause.\n<!-- END SOLUTION -->",
      metadata: {},
    };
    expect(text(releaseNotebook(nb(md), "t").cells[0])).toBe("Why?\n*Your answer here.*");
  });

  it("fails loudly on broken markers, naming notebook, cell and line", () => {
    expect(() => releaseNotebook(nb(code("x"), code("a\n// END SOLUTION")), "solutions/01.ipynb")).toThrow(
      "solutions/01.ipynb, cell 2, line 2: END marker without a BEGIN above it.",
    );
    expect(() => releaseNotebook(nb(code("function f() {\n// BEGIN SOLUTION\nx")), "n")).toThrow(
      "n, cell 1, line 2: BEGIN marker without an END below it.",
    );
    expect(() =>
      releaseNotebook(nb(code("function f() {\n// BEGIN SOLUTION\n// BEGIN SOLUTION\n// END SOLUTION")), "n"),
    ).toThrow(/line 3: BEGIN marker inside the region opened on line 2/);
  });

  it("fails when the TODOs would throw a NotImplementedError no cell imports", () => {
    const bare: Notebook = {
      cells: [code("function f() {\n  // BEGIN SOLUTION\n  return 1;\n  // END SOLUTION\n}")],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 4,
    };
    expect(() => releaseNotebook(bare, "solutions/02.ipynb")).toThrow(
      "solutions/02.ipynb: has solution regions, but no cell imports NotImplementedError",
    );
    expect(() =>
      releaseNotebook(nb(code("function f() {\n  // BEGIN SOLUTION\n  return 1;\n  // END SOLUTION\n}")), "t"),
    ).not.toThrow();
  });

  it("is idempotent and serialises like Jupyter (sorted keys, one-space indent, trailing newline)", () => {
    const once = releaseNotebook(
      nb(code("function f() {\n  // BEGIN SOLUTION\n  return 1;\n  // END SOLUTION\n}")),
      "t",
    );
    const twice = releaseNotebook(once, "t");
    expect(serializeNotebook(twice)).toBe(serializeNotebook(once));
    const s = serializeNotebook(once);
    expect(s.endsWith("}\n")).toBe(true);
    expect(s.indexOf('"cells"')).toBeLessThan(s.indexOf('"metadata"'));
  });

  it("finds the committed student notebooks equal to what release generates (npm run release -- --check)", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/release.ts", "--check"], { encoding: "utf8" });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
