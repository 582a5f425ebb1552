/**
 * Intake and extraction: unreadable, huge, empty and tricky notebooks, and the messy ones learners
 * really hand in (duplicated, split, moved, re-typed, deleted cells, look-alike names, syntax
 * errors) — unit tests of each stage, then one batch through the whole grader.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { correctSources, mistakeSources } from "./catalogue";
import { compileRegions, parses } from "./compile";
import { definedNames, extract, skeleton } from "./extract";
import { gradeBatch, type BatchResult } from "./grade";
import { projectDir } from "./jail/bundle";
import { intake, OutputStripper, parseNotebook } from "./notebook";
import { loadTemplate, loadTemplates } from "./template";
import { lesson1Template, submission, tempDir, writeNotebook, type NotebookJson } from "./testing/fixtures";

const template1 = loadTemplate(path.join(projectDir, "solutions", "01_swiss_roll_vae.ipynb"));
const cell = (source: string, gradeId?: string, cellType = "code") => ({
  cell_type: cellType,
  source,
  metadata: gradeId ? { nbgrader: { grade_id: gradeId, solution: true } } : {},
});
const nbOf = (cells: ReturnType<typeof cell>[]) =>
  parseNotebook(JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 4 })).notebook!;
const CYRILLIC_E = "\u0435";

describe("parseNotebook", () => {
  it("names what is wrong with files that are not notebooks", () => {
    expect(parseNotebook("hello").problem).toMatch(/not a valid notebook file \(not JSON/);
    expect(parseNotebook("[1, 2]").problem).toMatch(/not a notebook/);
    expect(parseNotebook('{"metadata": {}}').problem).toMatch(/no list of cells/);
    expect(parseNotebook('{"cells": []}').problem).toMatch(/has no cells/);
  });

  it("reads sources given as lists of lines, and the kernel", () => {
    const nb = parseNotebook(
      JSON.stringify({
        cells: [{ cell_type: "code", source: ["a\n", "b"], metadata: { nbgrader: { grade_id: "x" } } }],
        metadata: { kernelspec: { name: "python3", language: "python" } },
      }),
    ).notebook!;
    expect(nb.cells[0]).toMatchObject({ source: "a\nb", gradeId: "x", cellType: "code" });
    expect(nb.kernelName).toBe("python3");
  });
});

describe("intake", () => {
  let dir: string;
  beforeAll(() => (dir = tempDir("intake")));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("copies once into grader storage, named by its hash, and parses the copy", () => {
    const file = writeNotebook(dir, "a.ipynb", lesson1Template());
    const it1 = intake(file, path.join(dir, "store"));
    expect(it1.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(it1.stored).toBe(path.join(dir, "store", `${it1.sha256}.ipynb`));
    fs.writeFileSync(file, "changed after intake");
    expect(fs.readFileSync(it1.stored!, "utf8")).toContain("reparameterize");
  });

  it("stops at the size cap before parsing, and keeps no partial copy", () => {
    const file = path.join(dir, "huge.ipynb");
    fs.writeFileSync(file, "x".repeat(300_000));
    const r = intake(file, path.join(dir, "store2"), { fileBytes: 100_000 });
    expect(r.problem).toMatch(/the file is larger than 0\.1 MB, even counting its outputs/);
    expect(r.notebook).toBeUndefined();
    expect(fs.readdirSync(path.join(dir, "store2"))).toEqual([]);
  });
});

describe("outputs are discarded at intake", () => {
  let dir: string;
  beforeAll(() => (dir = tempDir("strip")));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const tricky = {
    cells: [
      {
        cell_type: "code",
        id: "a1",
        source: ['const s = "}{][\\"";\n', "f(1)"],
        metadata: { outputs: "kept: not a cell's outputs" },
        execution_count: 3,
        outputs: [
          { output_type: "stream", name: "stdout", text: ['"}]{[\\ ', "é 中 🙂"] },
          { output_type: "display_data", data: { "image/png": "iVBORw0KGgo=" }, metadata: {} },
        ],
      },
      {
        cell_type: "markdown",
        id: "b2",
        source: "![x](attachment:x.png)",
        metadata: {},
        attachments: { "x.png": { "image/png": "AAAA" } },
      },
      { cell_type: "code", source: "1", metadata: {}, outputs: [], execution_count: null },
    ],
    metadata: { outputs: ["kept"], kernelspec: { name: "vae-lab", language: "typescript", display_name: "vae-lab" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  const expected = () => {
    const nb = structuredClone(tricky) as { cells: Record<string, unknown>[] };
    for (const c of nb.cells) {
      if ("outputs" in c) c.outputs = [];
      if ("attachments" in c) c.attachments = {};
    }
    return nb;
  };

  it("leaves exactly the notebook without cell outputs and attachments, however the bytes are chunked", () => {
    const bytes = Buffer.from(JSON.stringify(tricky, null, 1));
    for (const size of [1, 2, 3, 7, 64, bytes.length]) {
      const s = new OutputStripper();
      const pieces: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) pieces.push(...s.push(bytes.subarray(i, i + size)));
      expect(JSON.parse(Buffer.concat(pieces).toString("utf8")), `chunks of ${size}`).toEqual(expected());
      expect(s.skipped).toBeGreaterThan(100);
    }
  });

  it("passes text that is not JSON through unchanged, for the parser to name the problem", () => {
    const s = new OutputStripper();
    expect(Buffer.concat(s.push(Buffer.from("{ this is not json"))).toString()).toBe("{ this is not json");
  });

  it("reads a notebook with 50 MB of outputs without holding them: it fits a 1 MB in-memory limit", () => {
    const nb = submission(lesson1Template(), correctSources);
    const png = "iVBORw0KGgo".repeat(48_000); // ~0.5 MB of base64 per figure
    for (const c of nb.cells)
      if (c.cell_type === "code")
        c.outputs = Array.from({ length: 10 }, () => ({
          output_type: "display_data",
          data: { "image/png": png, "text/plain": ["<Figure>"] },
          metadata: {},
        }));
    const file = writeNotebook(dir, "big.ipynb", nb);
    expect(fs.statSync(file).size).toBeGreaterThan(50 * 1024 * 1024);
    const r = intake(file, path.join(dir, "store"), { strippedBytes: 1024 * 1024 });
    expect(r.problem).toBeUndefined();
    expect(r.outputBytes).toBeGreaterThan(50 * 1024 * 1024);
    expect(fs.statSync(r.stored!).size).toBeLessThan(1024 * 1024);
    expect(r.notebook!.cells.map((c) => c.gradeId).filter(Boolean)).toEqual(
      expect.arrayContaining(["reparameterize", "computeVaeLoss"]),
    );
  });

  it("still refuses a notebook whose cells themselves are too big, saying outputs do not count", () => {
    const nb = lesson1Template();
    nb.cells.push({ cell_type: "code", source: "x".repeat(200_000), metadata: {}, outputs: [], execution_count: null });
    const r = intake(writeNotebook(dir, "bigsrc.ipynb", nb), path.join(dir, "store"), { sourceBytes: 100_000 });
    expect(r.problem).toMatch(/add up to 0\.\d MB, more than the 0\.1 MB the grader reads \(outputs do not count\)/);
  });
});

describe("notebooks as Jupyter tools save them", () => {
  const lesson = lesson1Template();
  const flavours: Record<string, (nb: NotebookJson) => unknown> = {
    "classic Jupyter, nbformat 4.0 (sources as lists of lines, no cell ids)": (nb) => ({
      ...nb,
      nbformat_minor: 0,
      cells: nb.cells.map((c) => ({
        ...c,
        source: (Array.isArray(c.source) ? c.source.join("") : c.source).split(/(?<=\n)/),
      })),
    }),
    "JupyterLab, nbformat 4.5 (cell ids)": (nb) => ({
      ...nb,
      nbformat_minor: 5,
      cells: nb.cells.map((c, i) => ({ id: `cell-${i}`, ...c })),
    }),
    "VS Code (vscode metadata, language_info, sources as strings)": (nb) => ({
      ...nb,
      metadata: { ...nb.metadata, language_info: { name: "typescript" }, vscode: { interpreter: { hash: "abc" } } },
      cells: nb.cells.map((c) => ({
        ...c,
        source: Array.isArray(c.source) ? c.source.join("") : c.source,
        metadata: { ...c.metadata, vscode: { languageId: "typescript" } },
      })),
    }),
  };
  for (const [name, make] of Object.entries(flavours)) {
    it(`reads ${name}, finding the graded cells`, () => {
      const nb = parseNotebook(JSON.stringify(make(lesson))).notebook!;
      expect(
        nb.cells.filter((c) => c.gradeId === "reparameterize" || c.gradeId === "computeVaeLoss").length,
      ).toBeGreaterThanOrEqual(2);
      expect(nb.nbformat).toMatch(/^4\.[0-5]$/);
      expect(extract(nb, template1, parses).missing).toEqual([]);
    });
  }

  it("names an nbformat 3 notebook's problem and how to fix it", () => {
    expect(
      parseNotebook(JSON.stringify({ nbformat: 3, nbformat_minor: 0, worksheets: [{ cells: [] }], metadata: {} }))
        .problem,
    ).toMatch(/old-format notebook \(nbformat 3\)\. Open it in a current Jupyter, save it/);
  });
});

describe("extract", () => {
  const right = correctSources.reparameterize,
    loss = correctSources.computeVaeLoss;

  it("finds definitions by name, wherever they are", () => {
    expect(definedNames("function reparameterize(mu, logVar) {}\nconst slerp = (a) => a;\nlet x: number = 1;")).toEqual(
      ["reparameterize", "slerp", "x"],
    );
    const ex = extract(nbOf([cell(loss), cell("const data = 1;"), cell(right)]), template1, parses);
    expect(ex.missing).toEqual([]);
    expect(ex.regions.map((r) => [r.exerciseId, r.cells])).toEqual([
      ["reparameterize", [3]],
      ["computeVaeLoss", [1]],
    ]);
  });

  it("grades the last of duplicated definitions, and says so", () => {
    const ex = extract(
      nbOf([
        cell(mistakeSources.reparameterize["no-eps"], "reparameterize"),
        cell(right, "reparameterize"),
        cell(loss, "computeVaeLoss"),
      ]),
      template1,
      parses,
    );
    expect(ex.regions[0].cells).toEqual([2]);
    expect(ex.notes.reparameterize.join()).toMatch(
      /2 cells \(1, 2\) define reparameterize; the last one \(cell 2\) was graded/,
    );
  });

  it("joins a definition split over cells, and says so", () => {
    const [head, ...rest] = loss.split("\n");
    const ex = extract(
      nbOf([
        cell(right, "reparameterize"),
        cell([head, ...rest.slice(0, 3)].join("\n"), "computeVaeLoss"),
        cell(rest.slice(3).join("\n"), "computeVaeLoss"),
      ]),
      template1,
      parses,
    );
    expect(ex.regions[1]).toMatchObject({ exerciseId: "computeVaeLoss", cells: [2, 3] });
    expect(ex.notes.computeVaeLoss.join()).toMatch(/split over cells 2–3/);
  });

  it("grades a definition re-typed as markdown, and says so", () => {
    const ex = extract(
      nbOf([cell(right, "reparameterize", "markdown"), cell(loss, "computeVaeLoss")]),
      template1,
      parses,
    );
    expect(ex.missing).toEqual([]);
    expect(ex.notes.reparameterize.join()).toMatch(/in a markdown cell \(cell 1\); it was graded as code/);
  });

  it("reports a deleted cell, and a cell that no longer defines its function", () => {
    const ex = extract(nbOf([cell(loss, "computeVaeLoss")]), template1, parses);
    expect(ex.missing).toEqual(["reparameterize"]);
    expect(ex.notes.reparameterize.join()).toMatch(/no cell defines reparameterize: was its cell deleted/);
    const ex2 = extract(
      nbOf([cell('check("reparameterize", reparameterize);', "reparameterize"), cell(loss, "computeVaeLoss")]),
      template1,
      parses,
    );
    expect(ex2.notes.reparameterize.join()).toMatch(/no longer defines the function reparameterize/);
  });

  it("does not accept a look-alike (homoglyph) name, and names the odd character", () => {
    const fake = right.replace("reparameterize", `reparam${CYRILLIC_E}terize`);
    expect(skeleton(`reparam${CYRILLIC_E}terize`)).toBe("reparameterize");
    const ex = extract(nbOf([cell(fake, "reparameterize"), cell(loss, "computeVaeLoss")]), template1, parses);
    expect(ex.missing).toEqual(["reparameterize"]);
    expect(ex.notes.reparameterize.join()).toMatch(/looks like reparameterize but is spelled with "е" \(U\+0435\)/);
  });
});

describe("compileRegions", () => {
  it("reports a syntax error for its exercise only, and routes other cells' calls through a forwarder the jail binds", () => {
    const ex = extract(
      nbOf([
        cell("function reparameterize(mu, logVar) {\n  return tf.add(mu,, logVar);\n}", "reparameterize"),
        cell(correctSources.computeVaeLoss, "computeVaeLoss"),
      ]),
      template1,
      parses,
    );
    const c = compileRegions(template1, ex.regions);
    expect(Object.keys(c.errors)).toEqual(["reparameterize"]);
    expect(c.errors.reparameterize).toMatch(/syntax error in cell 1, line 2/);
    expect(c.exported).toEqual(["computeVaeLoss"]);
    expect(c.code).toMatch(/function reparameterize\(\.\.\.args\) \{\s*return __fn\.reparameterize\(\.\.\.args\);/);
    expect(c.code).not.toMatch(/vae-lab-reference/);
  });

  it("keeps imports as require calls, so nothing a student imports is bundled in", () => {
    const c = compileRegions(template1, [
      {
        exerciseId: "reparameterize",
        code: `import { it } from "vitest";\n${correctSources.reparameterize.replace("{\n", '{\n  it("passes", () => {});\n')}`,
        cells: [1],
      },
    ]);
    expect(c.code).toMatch(/require\("vitest"\)/);
    expect(c.code).toMatch(/require\("vae-lab"\)/);
  });

  it("accepts cells that repeat the lesson's imports in another form or export their function", () => {
    const code = `import * as tf from "@tensorflow/tfjs";\nimport { randn, gaussianKl } from "vae-lab";\nexport ${correctSources.reparameterize}`;
    const c = compileRegions(template1, [{ exerciseId: "reparameterize", code, cells: [1] }]);
    expect(c.errors).toEqual({});
    expect(c.exported).toEqual(["reparameterize"]);
  });

  it("takes its imports from the template, not from the submission", () => {
    expect(template1.prelude).toMatch(/^import \{ tf, initBackend/);
    expect(template1.prelude).not.toMatch(/reparameterize|computeVaeLoss/);
    expect(loadTemplates(path.join(projectDir, "solutions")).length).toBeGreaterThanOrEqual(1);
  });
});

describe("grading messy and tricky notebooks end to end", () => {
  let root: string, out: string, batch: BatchResult;
  const r = (s: string) => batch.results.find((x) => x.student === s)!;
  const e = (s: string, id: string) => r(s).exercises.find((x) => x.id === id)!;

  beforeAll(async () => {
    root = tempDir("messy");
    out = path.join(root, "out");
    const subs = path.join(root, "subs");
    const t = lesson1Template();
    const right = () => submission(t, correctSources);
    const put = (name: string, nb: NotebookJson | string) => writeNotebook(subs, `${name}_01_swiss_roll_vae.ipynb`, nb);
    put("not-json", "{ this is not json");
    put("no-cells", JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 4 }));
    const huge = right();
    huge.cells[0].outputs = [{ output_type: "stream", name: "stdout", text: "x".repeat(600_000) }];
    put("huge-outputs", huge);
    const bigSource = right();
    bigSource.cells.push({ cell_type: "markdown", source: "y".repeat(500_000), metadata: {} });
    put("huge-source", bigSource);
    const py = submission(t, {
      reparameterize:
        "def reparameterize(mu, log_var):\n    return mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)",
      computeVaeLoss: "def computeVaeLoss(model, x, beta):\n    pass",
    });
    py.metadata.kernelspec = { name: "python3", language: "python", display_name: "Python 3" };
    put("wrong-kernel", py);
    const tricks = right();
    for (const c of tricks.cells)
      if ((c.metadata.nbgrader as { solution?: boolean } | undefined)?.solution)
        Object.assign(c.metadata.nbgrader as object, { points: 1000, grade: true });
    tricks.metadata.nbgrader = { score: 100, max_score: 100 };
    (tricks.cells[0] as { source: string }).source += "\nprocess.exit(0);"; // the setup cell is never run
    tricks.cells.push({
      cell_type: "code",
      source: 'check("reparameterize", reparameterize);',
      metadata: { nbgrader: { grade_id: "reparameterize", solution: true, points: 1000 }, __proto__: { points: 1e9 } },
      outputs: [],
      execution_count: null,
    });
    tricks.cells.push({
      cell_type: "code",
      source: "while (true) {}",
      metadata: { nbgrader: { grade_id: "hidden_tests", solution: false, grade: true, points: 50 } },
      outputs: [],
      execution_count: null,
    });
    put("metadata-tricks", tricks);
    put(
      "homoglyph",
      submission(t, {
        reparameterize: correctSources.reparameterize.replace("reparameterize", `reparam${CYRILLIC_E}terize`),
        computeVaeLoss: correctSources.computeVaeLoss,
      }),
    );
    const messy = submission(t, {
      reparameterize: mistakeSources.reparameterize["no-eps"],
      computeVaeLoss: correctSources.computeVaeLoss,
    });
    const lines = correctSources.computeVaeLoss.split("\n");
    const lossIdx = messy.cells.findIndex(
      (c) => (c.metadata.nbgrader as { grade_id?: string } | undefined)?.grade_id === "computeVaeLoss",
    );
    const lossCell = messy.cells.splice(lossIdx, 1)[0];
    messy.cells.push(
      { ...lossCell, source: lines.slice(0, 4).join("\n") },
      { ...lossCell, source: lines.slice(4).join("\n") },
    ); // moved to the end and split
    messy.cells.push({
      cell_type: "code",
      source: correctSources.reparameterize,
      metadata: {},
      outputs: [],
      execution_count: null,
    }); // a later, right duplicate
    put("messy", messy);
    const retyped = right();
    const rc = retyped.cells.find(
      (c) => (c.metadata.nbgrader as { grade_id?: string } | undefined)?.grade_id === "computeVaeLoss",
    )!;
    rc.cell_type = "markdown";
    delete rc.outputs;
    put("retyped", retyped);
    const deleted = right();
    deleted.cells = deleted.cells.filter(
      (c) => (c.metadata.nbgrader as { grade_id?: string } | undefined)?.grade_id !== "computeVaeLoss",
    );
    put("deleted", deleted);
    put(
      "syntax",
      submission(t, {
        reparameterize:
          "function reparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D) {\n  return tf.add(mu,, logVar);\n}",
        computeVaeLoss: correctSources.computeVaeLoss,
      }),
    );
    put(
      "chained",
      submission(t, {
        reparameterize:
          "function reparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor2D {\n  return mu.add(logVar.mul(0.5).exp().mul(randn(mu.shape)));\n}",
        computeVaeLoss: correctSources.computeVaeLoss.replace(
          "tf.mean(tf.square(tf.sub(x, xHat)))",
          "x.sub(xHat).square().mean()",
        ),
      }),
    );
    put(
      "top-level-junk",
      submission(t, {
        reparameterize: `${correctSources.reparameterize}\ncheck("reparameterize", reparameterize);\nreparameterize(tf.zeros([2, 2]), tf.zeros([2, 2])).print();\nshowPlot({ data: [] });`,
        computeVaeLoss: `${correctSources.computeVaeLoss}\nthrow new Error("oops, left at the top level");\nconst after = 1;`,
      }),
    );
    writeNotebook(subs, "=cmd|calc_01_swiss_roll_vae.ipynb", right());
    writeNotebook(path.join(subs, "alice"), "01_swiss_roll_vae.ipynb", right());
    batch = await gradeBatch({
      inputs: [subs],
      outDir: out,
      jobs: 2,
      progress: false,
      intakeLimits: { sourceBytes: 400_000 },
    });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("finishes without a grader error and grades every student", () => {
    expect(batch.exitCode).toBe(0);
    expect(batch.results.map((x) => x.student).sort()).toEqual([
      "=cmd|calc",
      "alice",
      "chained",
      "deleted",
      "homoglyph",
      "huge-outputs",
      "huge-source",
      "messy",
      "metadata-tricks",
      "no-cells",
      "not-json",
      "retyped",
      "syntax",
      "top-level-junk",
      "wrong-kernel",
    ]);
  });

  it("gives unreadable notebooks 0 with the reason", () => {
    expect(r("not-json")).toMatchObject({ score: 0, maxScore: 8 });
    expect(r("not-json").notes.join()).toMatch(/not a valid notebook file/);
    expect(r("no-cells").notes.join()).toMatch(/has no cells/);
    expect(r("huge-source").notes.join()).toMatch(
      /code and text add up to 0\.5 MB, more than the 0\.4 MB the grader reads \(outputs do not count\)/,
    );
    expect(r("huge-outputs")).toMatchObject({ score: 8, maxScore: 8 });
    expect(fs.readFileSync(path.join(out, "feedback", "not-json.md"), "utf8")).toMatch(/not a valid notebook file/);
  });

  it("grades a notebook on the wrong kernel as TypeScript, says so, and gives 0 when its cells define no TypeScript functions", () => {
    expect(r("wrong-kernel").score).toBe(0);
    expect(r("wrong-kernel").notes.join()).toMatch(/"python3" kernel, not vae-lab/);
    expect(e("wrong-kernel", "reparameterize").status).toBe("missing");
    expect(e("wrong-kernel", "reparameterize").notes.join()).toMatch(/no longer defines the function reparameterize/);
  });

  it("ignores metadata tricks: points, scores and extra graded cells in the submission count for nothing", () => {
    expect(r("metadata-tricks")).toMatchObject({ score: 8, maxScore: 8 });
    expect(e("metadata-tricks", "reparameterize").tests).toHaveLength(9);
  });

  it("does not accept a look-alike name; the other exercise is graded with a stand-in", () => {
    expect(e("homoglyph", "reparameterize")).toMatchObject({ score: 0, status: "missing" });
    expect(e("homoglyph", "reparameterize").notes.join()).toMatch(/U\+0435/);
    expect(e("homoglyph", "computeVaeLoss").score).toBe(4);
  });

  it("tolerates duplicated, moved, split and re-typed cells, and says what it did", () => {
    expect(r("messy").score).toBe(8);
    expect(e("messy", "reparameterize").notes.join()).toMatch(/the last one .* was graded/);
    expect(e("messy", "computeVaeLoss").notes.join()).toMatch(/split over cells/);
    expect(r("retyped").score).toBe(8);
    expect(e("retyped", "computeVaeLoss").notes.join()).toMatch(/markdown cell/);
  });

  it("scores a deleted exercise 0 and a syntax error 0 for that exercise only", () => {
    expect([e("deleted", "reparameterize").score, e("deleted", "computeVaeLoss").score]).toEqual([4, 0]);
    expect(e("deleted", "computeVaeLoss").notes.join()).toMatch(/was its cell deleted/);
    expect([e("syntax", "reparameterize").score, e("syntax", "computeVaeLoss").score]).toEqual([0, 4]);
    expect(e("syntax", "reparameterize").notes.join()).toMatch(/syntax error in cell \d+, line 2/);
  });

  it("grades tfjs's chained style (mu.add(…), x.square()) like the functional one", () => {
    expect(r("chained").score).toBe(8);
  });

  it("grades functions whose cells also run test code or throw at the top level, and says so", () => {
    expect(r("top-level-junk").score).toBe(8);
    expect(e("top-level-junk", "reparameterize").notes).toEqual([]);
    expect(e("top-level-junk", "computeVaeLoss").notes.join()).toMatch(
      /code at the top level of your computeVaeLoss cell .* threw an error/,
    );
  });

  it("writes names safely: no spreadsheet formulas in the gradebook, no odd characters in file names", () => {
    const csv = fs.readFileSync(path.join(out, "gradebook.csv"), "utf8");
    expect(csv.split("\r\n")[0]).toBe("student,reparameterize,computeVaeLoss,total,max,status");
    expect(csv).toContain("'=cmd|calc,4,4,8,8,graded\r\n");
    expect(batch.info.outputNames["=cmd|calc"]).toMatch(/^_cmd_calc-[0-9a-f]{8}$/);
    expect(fs.existsSync(path.join(out, "feedback", `${batch.info.outputNames["=cmd|calc"]}.md`))).toBe(true);
    expect(r("alice").score).toBe(8);
  });
});
