/**
 * Test fixtures for the grader: submission notebooks built from a template with chosen solution
 * cells, and lesson-2 and lesson-3 templates generated from the exercises (minimal notebooks with the
 * lessons' setup, solution and check cells, so tests grade those lessons whatever solutions/ holds).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectDir } from "../jail/bundle";

export type NotebookJson = {
  cells: {
    cell_type: string;
    source: string | string[];
    metadata: Record<string, unknown>;
    outputs?: unknown[];
    execution_count?: null;
  }[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
};

const code = (source: string, nbgrader?: Record<string, unknown>) => ({
  cell_type: "code",
  source,
  metadata: nbgrader ? { nbgrader: { schema_version: 3, ...nbgrader } } : {},
  outputs: [],
  execution_count: null,
});

/** A solution cell (nbgrader metadata, BEGIN/END SOLUTION around the function's body). */
const solution = (id: string, src: string, points: number) => {
  const lines = src.split("\n");
  return code([lines[0], "  // BEGIN SOLUTION", ...lines.slice(1, -1), "  // END SOLUTION", lines.at(-1)].join("\n"), {
    grade: false,
    grade_id: id,
    locked: false,
    points,
    solution: true,
  });
};

/** A stand-in for solutions/02_mnist_vae.ipynb: setup imports, the elbo and slerp solution cells, their checks. */
export function lesson2Template(elboSource: string, slerpSource: string): NotebookJson {
  return {
    cells: [
      { cell_type: "markdown", source: "# Lesson 2: a VAE for MNIST", metadata: {} },
      code(
        `import { tf, initBackend, setSeed, Rng, randn, check, NotImplementedError } from "vae-lab";\nsetSeed(42);\nawait initBackend();`,
        { grade: false, grade_id: "setup", locked: true, solution: false },
      ),
      solution("elbo", elboSource, 4),
      code(`check("elbo", elbo);`, { grade: false, grade_id: "check_elbo", locked: true, solution: false }),
      solution("slerp", slerpSource, 2),
      code(`check("slerp", slerp);`, { grade: false, grade_id: "check_slerp", locked: true, solution: false }),
    ],
    metadata: { kernelspec: { display_name: "vae-lab (TypeScript)", language: "typescript", name: "vae-lab" } },
    nbformat: 4,
    nbformat_minor: 4,
  };
}

/** The lesson-3 notebook's file name (without .ipynb), as solutions/ holds it. */
export const LESSON3 = "03_beta_vae_conv";

/**
 * A minimal stand-in for solutions/03_beta_vae_conv.ipynb: the setup cell, and for each of
 * betaSchedule, activeUnits and centroidDirection its solution cell (grade_id = the exercise id)
 * followed by its check cell, as lesson 2's stand-in is.
 */
export function lesson3Template(sources: Record<string, string>): NotebookJson {
  const ids = ["betaSchedule", "activeUnits", "centroidDirection"];
  return {
    cells: [
      { cell_type: "markdown", source: "# Lesson 3: β, posterior collapse and a convolutional VAE", metadata: {} },
      code(
        `import { tf, initBackend, setSeed, check, NotImplementedError } from "vae-lab";\nsetSeed(42);\nawait initBackend();`,
        { grade: false, grade_id: "setup", locked: true, solution: false },
      ),
      ...ids.flatMap((id) => [
        solution(id, sources[id], 2),
        code(`check("${id}", ${id});`, { grade: false, grade_id: `check_${id}`, locked: true, solution: false }),
      ]),
    ],
    metadata: { kernelspec: { display_name: "vae-lab (TypeScript)", language: "typescript", name: "vae-lab" } },
    nbformat: 4,
    nbformat_minor: 4,
  };
}

export const readNotebook = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as NotebookJson;
export const lesson1Template = () => readNotebook(path.join(projectDir, "solutions", "01_swiss_roll_vae.ipynb"));

const src = (s: string | string[]) => (Array.isArray(s) ? s.join("") : s);

/** The template with the solution cell of each given grade_id replaced by `sources[id]` (a student's hand-in). */
export function submission(template: NotebookJson, sources: Record<string, string>): NotebookJson {
  const nb = structuredClone(template);
  for (const c of nb.cells) {
    const id = (c.metadata.nbgrader as { grade_id?: string; solution?: boolean } | undefined)?.grade_id;
    if (id !== undefined && sources[id] !== undefined && /BEGIN SOLUTION/.test(src(c.source))) c.source = sources[id];
  }
  return nb;
}

/** A fresh temp directory (removed by the caller's afterAll). */
export const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `vae-lab-${prefix}-`));

export function writeNotebook(dir: string, name: string, nb: NotebookJson | string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof nb === "string" ? nb : JSON.stringify(nb, null, 1));
  return file;
}

/** A templates folder holding lesson 1 (the real one), the generated lesson 2 and, given its sources, the generated lesson 3. */
export function templatesDir(elboSource: string, slerpSource: string, lesson3Sources?: Record<string, string>): string {
  const dir = tempDir("templates");
  fs.copyFileSync(
    path.join(projectDir, "solutions", "01_swiss_roll_vae.ipynb"),
    path.join(dir, "01_swiss_roll_vae.ipynb"),
  );
  writeNotebook(dir, "02_mnist_vae.ipynb", lesson2Template(elboSource, slerpSource));
  if (lesson3Sources) writeNotebook(dir, `${LESSON3}.ipynb`, lesson3Template(lesson3Sources));
  return dir;
}
