/**
 * Finds each exercise's solution in a submission, matched to the template by function name and
 * nbgrader grade_id, tolerant of what learners do to notebooks:
 *   duplicated cells  → the last definition wins (as when the notebook runs top to bottom), noted
 *   split cells       → consecutive cells joined until the definition is complete, noted
 *   moved cells       → found wherever they are
 *   re-typed cells    → a markdown/raw cell holding the definition is graded as code, noted
 *   deleted cells     → missing, 0 points, noted
 *   look-alike names  → a definition whose name only looks like the exercise's (Cyrillic "а" for
 *                       Latin "a"…) is not accepted, and the feedback says which character differs
 * Only these regions are ever compiled and run: the submission's other cells never are.
 */
import type { Cell, Notebook } from "./notebook";
import { normalise, scan } from "./scan";
import type { Template } from "./template";

export interface Region {
  exerciseId: string;
  /** The code to compile (one or more cells joined). */
  code: string;
  /** Cell numbers (1-based, as Jupyter shows positions) it came from. */
  cells: number[];
}

export interface Extraction {
  regions: Region[];
  /** Per exercise: notes for the learner (ambiguities, repairs, why it is missing). */
  notes: Record<string, string[]>;
  missing: string[];
}

const IDENT = "[\\p{L}\\p{Nl}\\p{Mn}\\p{Mc}\\p{Nd}\\p{Pc}$_\\u200c\\u200d]+";
const KEYWORD = /\b(function|const|let|var)\b/gu;
const NAME = new RegExp(IDENT, "uy");
/** A const/let/var's type annotation is looked through up to this many characters (keeps the scan linear). */
const MAX_ANNOTATION = 400;

/** A definition in a cell: the name and where it stands (after `function`, `const`, `let` or `var`). */
export interface Definition {
  name: string;
  index: number;
  kind: "function" | "binding";
}

/**
 * The definitions of a cell at any depth (functions, const/let/var), outside comments and strings.
 * One pass: each keyword is looked at once, with a bounded look-ahead.
 */
export function definitions(source: string): Definition[] {
  const known = seen.get(source);
  if (known) return known;
  const found = findDefinitions(scan(source).masked);
  if (seen.size > 64) seen.clear();
  seen.set(source, found);
  return found;
}
/** Extraction asks about the same cells several times: their definitions, by source. */
const seen = new Map<string, Definition[]>();

function findDefinitions(code: string): Definition[] {
  const found: Definition[] = [];
  const skipSpace = (k: number) => {
    while (k < code.length && /\s/.test(code[k])) k++;
    return k;
  };
  for (const m of code.matchAll(KEYWORD)) {
    let k = skipSpace(m.index! + m[1].length);
    if (m[1] === "function" && code[k] === "*") k = skipSpace(k + 1);
    NAME.lastIndex = k;
    const name = NAME.exec(code)?.[0];
    if (!name) continue;
    const at = k;
    k = skipSpace(k + name.length);
    if (m[1] === "function") {
      if (code[k] === "(" || code[k] === "<") found.push({ name, index: at, kind: "function" });
    } else if (code[k] === "=") found.push({ name, index: at, kind: "binding" });
    else if (code[k] === ":") {
      for (let j = k + 1; j < Math.min(code.length, k + MAX_ANNOTATION); j++) {
        if (code[j] === ";") break;
        if (code[j] === "=") {
          found.push({ name, index: at, kind: "binding" });
          break;
        }
      }
    }
  }
  return found;
}

/** Names a cell defines at any depth (functions, const/let/var), outside comments and strings. */
export const definedNames = (source: string): string[] => definitions(source).map((d) => d.name);

// Latin look-alikes from Unicode's confusables list (Cyrillic, Greek, full-width, dotless i…).
const CONFUSABLE: Record<string, string> = {
  а: "a",
  е: "e",
  о: "o",
  р: "p",
  с: "c",
  у: "y",
  х: "x",
  і: "i",
  ј: "j",
  ѕ: "s",
  ԁ: "d",
  ԛ: "q",
  ԝ: "w",
  һ: "h",
  ӏ: "l",
  А: "A",
  В: "B",
  Е: "E",
  К: "K",
  М: "M",
  Н: "H",
  О: "O",
  Р: "P",
  С: "C",
  Т: "T",
  Х: "X",
  Ѕ: "S",
  І: "I",
  Ј: "J",
  α: "a",
  ο: "o",
  ρ: "p",
  ν: "v",
  τ: "t",
  κ: "k",
  ι: "i",
  υ: "u",
  Α: "A",
  Β: "B",
  Ε: "E",
  Ζ: "Z",
  Η: "H",
  Ι: "I",
  Κ: "K",
  Μ: "M",
  Ν: "N",
  Ο: "O",
  Ρ: "P",
  Τ: "T",
  Υ: "Y",
  Χ: "X",
  ı: "i",
  ℓ: "l",
  "\u200b": "",
  "\u200c": "",
  "\u200d": "",
};
/** The name as it looks: NFKC (full-width letters, ligatures) and confusable letters mapped to Latin. */
export function skeleton(name: string): string {
  return [...name.normalize("NFKC")].map((ch) => CONFUSABLE[ch] ?? ch).join("");
}

function describeLookAlike(name: string, want: string): string {
  const odd = [...name]
    .filter((ch) => !/[A-Za-z0-9_$]/.test(ch))
    .map((ch) => `"${ch}" (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")})`);
  return `a function named "${name}" looks like ${want} but is spelled with ${odd.join(", ") || "different characters"}, not plain Latin letters, so it does not count as ${want}. Retype the name.`;
}

const isCode = (c: Cell) => c.cellType === "code";

/** Does `code` parse? Injected so this module stays free of the compiler. */
export type SyntaxCheck = (code: string) => boolean;

export function extract(nb: Notebook, template: Template, parses: SyntaxCheck): Extraction {
  const regions: Region[] = [];
  const notes: Record<string, string[]> = {};
  const missing: string[] = [];
  const cells = nb.cells;
  const taggedFor = (id: string) => cells.filter((c) => c.gradeId === id);
  for (const id of template.exerciseIds) {
    const name = template.functions[id].name;
    const n: string[] = (notes[id] = []);
    const defining = cells.filter((c) => definedNames(c.source).includes(name));
    const codeDefs = defining.filter(isCode);
    let chosen: Cell | undefined = codeDefs.at(-1) ?? defining.at(-1);
    if (defining.length > 1)
      n.push(
        `${defining.length} cells (${defining.map((c) => c.index + 1).join(", ")}) define ${name}; the last one (cell ${chosen!.index + 1}) was graded, as when the notebook runs top to bottom. Delete the others.`,
      );
    if (chosen && !isCode(chosen))
      n.push(
        `${name} is in a ${chosen.cellType} cell (cell ${chosen.index + 1}); it was graded as code, but change the cell back to Code so it runs in Jupyter.`,
      );
    // Split cells: the definition starts here but only parses with the cells after it.
    let joined = chosen ? [chosen] : [];
    if (!chosen) {
      const tagged = taggedFor(id);
      if (tagged.length) joined = [tagged[0]];
    }
    if (joined.length && !parses(joined.map((c) => c.source).join("\n"))) {
      const start = joined[0].index;
      for (let k = start + 1; k < cells.length && k <= start + 6; k++) {
        const next = cells.find((c) => c.index === k);
        if (
          !next ||
          (next.gradeId !== undefined && next.gradeId !== id) ||
          template.lockedSources.has(normalise(next.source))
        )
          break;
        joined.push(next);
        if (parses(joined.map((c) => c.source).join("\n"))) {
          n.push(
            `${name} is split over cells ${start + 1}–${k + 1}; they were joined for grading. Merge them back into one cell.`,
          );
          break;
        }
      }
      if (!parses(joined.map((c) => c.source).join("\n"))) joined = joined.slice(0, 1); // the compiler will report the syntax error
    }
    const code = joined.map((c) => c.source).join("\n");
    if (joined.length === 0 || !definedNames(code).includes(name)) {
      const lookAlike = cells
        .flatMap((c) => definedNames(c.source))
        .find((d) => d !== name && skeleton(d) === skeleton(name));
      if (lookAlike) n.push(describeLookAlike(lookAlike, name));
      else if (taggedFor(id).length)
        n.push(
          `the cell for ${name} (cell ${taggedFor(id)[0].index + 1}) no longer defines the function ${name}. Restore its first line: ${template.functions[id].signature.split(":")[0]}…`,
        );
      else
        n.push(
          `no cell defines ${name}: was its cell deleted? Copy the exercise's cell from a fresh copy of the lesson notebook and write your code there.`,
        );
      missing.push(id);
      continue;
    }
    regions.push({ exerciseId: id, code, cells: joined.map((c) => c.index + 1) });
  }
  return { regions, notes, missing };
}
