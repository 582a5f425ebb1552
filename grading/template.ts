/**
 * Lesson templates: the solved notebooks in solutions/ say which exercises a lesson has (cells with
 * nbgrader `solution: true` and a `grade_id` naming an exercise), in which order, and which imports
 * the lesson's code runs under. Only the template is trusted for this; a submission's metadata is not.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { exercises } from "../exercises/index";
import { parseNotebook } from "./notebook";
import { normalise } from "./scan";

export interface Template {
  /** File name without .ipynb: "01_swiss_roll_vae". */
  stem: string;
  lesson: number;
  /** Exercise ids in notebook order. */
  exerciseIds: string[];
  /** The template's import statements (trusted), minus names its solution cells define. */
  prelude: string;
  /** Sources of the template's non-solution code cells (to recognise them in submissions). */
  lockedSources: Set<string>;
  /** Per exercise id, its function's name and signature (so extraction and compilation need no contract). */
  functions: Record<string, { name: string; signature: string }>;
}

const IMPORT = /^\s*import\s[\s\S]*?from\s*["'][^"']+["'];?/gm;

export function loadTemplate(file: string): Template {
  const { notebook, problem } = parseNotebook(fs.readFileSync(file, "utf8"));
  if (!notebook) throw new Error(`the template ${file} cannot be read: ${problem}`);
  const exerciseIds: string[] = [];
  const imports: string[] = [];
  const lockedSources = new Set<string>();
  for (const c of notebook.cells) {
    if (c.cellType !== "code") continue;
    const id = c.gradeId;
    if (id !== undefined && exercises[id] && /BEGIN SOLUTION/.test(c.source)) exerciseIds.push(id);
    else {
      lockedSources.add(normalise(c.source));
      imports.push(...(c.source.match(IMPORT) ?? []));
    }
  }
  if (exerciseIds.length === 0)
    throw new Error(`the template ${file} has no solution cells with a grade_id naming an exercise.`);
  const defined = new Set(exerciseIds.map((id) => exercises[id].functionName));
  const prelude = imports.map((s) => dropNames(s, defined)).join("\n");
  const functions = Object.fromEntries(
    exerciseIds.map((id) => [id, { name: exercises[id].functionName, signature: exercises[id].signature }]),
  );
  return {
    stem: path.basename(file, ".ipynb"),
    lesson: exercises[exerciseIds[0]].lesson,
    exerciseIds,
    prelude,
    lockedSources,
    functions,
  };
}

/** Removes `names` from an import's braces ("import { a, slerp } from …" → "import { a } from …"). */
function dropNames(statement: string, names: Set<string>): string {
  return statement.replace(
    /\{([^}]*)\}/,
    (_, inner: string) =>
      `{${inner
        .split(",")
        .filter(
          (n) =>
            !names.has(
              n
                .trim()
                .split(/\s+as\s+/)
                .pop()!
                .trim(),
            ),
        )
        .join(",")}}`,
  );
}

export { normalise } from "./scan";

/** Every template in `dir` (default: the project's solutions/), in file-name order. */
export function loadTemplates(dir: string): Template[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => loadTemplate(path.join(dir, f)));
}
