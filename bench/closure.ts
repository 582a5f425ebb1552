/**
 * How much a student has to read: the import closure of the teaching core from lesson 1's entry
 * points (createVae, forward, train, elbo, adam), with its lines and the share of speed-up code;
 * then the largest files and functions of the library.
 *
 * Usage: tsx bench/closure.ts [--root DIR] [--speed PREFIX,...] [--top N] [ENTRY.ts ...]
 *   ENTRY.ts  files to start from, relative to --root (default: the files that define the five
 *             functions in this layout: src/vae/vae.ts, train.ts, losses.ts, optim.ts)
 *   --root    the checkout to measure (default: the current folder). To measure another commit:
 *             git archive <commit> src | tar -x -C /tmp/old && tsx bench/closure.ts --root /tmp/old \
 *               src/models/vae.ts src/train.ts src/losses.ts src/optim.ts
 *   --speed   path prefixes that hold speed-up code (default: src/engine/,src/kernels/)
 *   --top     how many of the largest files and functions to list (default 10)
 *
 * Every relative import counts, type-only ones too (a reader follows them). Lines are all lines of
 * a file, comments included: what a reader scrolls through.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

function option(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? args[at + 1] : fallback;
}

/** The file a relative specifier names (.ts, .js written for .ts, or a folder's index.ts). */
function resolveImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, `${base}.ts`, base.replace(/\.js$/, ".ts"), join(base, "index.ts")];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** Every file reachable from `entries` through relative imports, exports and dynamic imports. */
export function importClosure(entries: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith(".ts")) continue;
    for (const ref of ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles) {
      if (!ref.fileName.startsWith(".")) continue;
      const target = resolveImport(file, ref.fileName);
      if (target && !seen.has(target)) queue.push(target);
    }
  }
  return [...seen].sort();
}

function lineCount(file: string): number {
  const text = readFileSync(file, "utf8");
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

/** Named functions and methods of a file with their length in lines. */
function functionsOf(file: string): { name: string; lines: number }[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const out: { name: string; lines: number }[] = [];
  const visit = (node: ts.Node) => {
    let name: string | undefined;
    if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name && node.body)
      name = node.name.getText(source);
    else if (
      ts.isVariableDeclaration(node) &&
      node.initializer &&
      (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))
    )
      name = node.name.getText(source);
    if (name) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      out.push({ name, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function libraryFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === "testing" ? [] : libraryFiles(p);
    return /\.(ts|js)$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

function main(): void {
  const args = process.argv.slice(2);
  const root = resolve(option(args, "--root", "."));
  const speed = option(args, "--speed", "src/engine/,src/kernels/").split(",");
  const top = Number(option(args, "--top", "10"));
  const flagged = new Set(
    ["--root", "--speed", "--top"].flatMap((f) => (args.includes(f) ? [f, args[args.indexOf(f) + 1]] : [])),
  );
  const named = args.filter((a) => !flagged.has(a));
  const entries = (
    named.length ? named : ["src/vae/vae.ts", "src/vae/train.ts", "src/vae/losses.ts", "src/vae/optim.ts"]
  ).map((e) => resolve(root, e));
  for (const e of entries)
    if (!existsSync(e))
      throw new Error(
        `closure: ${relative(root, e)} does not exist under ${root}; pass the entry files of that layout.`,
      );

  const rel = (f: string) => relative(root, f);
  const files = importClosure(entries).map((f) => ({ file: rel(f), lines: lineCount(f) }));
  const isSpeed = (f: string) => speed.some((p) => f.startsWith(p));
  const total = files.reduce((n, f) => n + f.lines, 0);
  const fast = files.filter((f) => isSpeed(f.file));
  const fastLines = fast.reduce((n, f) => n + f.lines, 0);
  console.log(`Import closure of ${entries.map(rel).join(", ")}:`);
  console.log(
    `  ${files.length} files, ${total} lines; speed-up code (${speed.join(", ")}): ${fast.length} files, ${fastLines} lines (${Math.round((100 * fastLines) / total)} %)`,
  );
  for (const f of files)
    console.log(`  ${String(f.lines).padStart(5)}  ${f.file}${isSpeed(f.file) ? "  (speed)" : ""}`);

  const library = libraryFiles(join(root, "src"));
  console.log(`\nLargest files of src/ (tests and src/testing/ left out):`);
  for (const f of library
    .map((f) => ({ file: rel(f), lines: lineCount(f) }))
    .sort((a, b) => b.lines - a.lines)
    .slice(0, top)) {
    console.log(`  ${String(f.lines).padStart(5)}  ${f.file}`);
  }
  console.log(`\nLargest functions of src/:`);
  const functions = library
    .filter((f) => f.endsWith(".ts") || f.endsWith(".js"))
    .flatMap((f) => functionsOf(f).map((fn) => ({ ...fn, file: rel(f) })));
  for (const fn of functions.sort((a, b) => b.lines - a.lines).slice(0, top))
    console.log(`  ${String(fn.lines).padStart(5)}  ${fn.name} (${fn.file})`);
}

main();
