/**
 * `npm run release [-- --check]`: regenerates the student notebooks in notebooks/ from the solved
 * ones in solutions/ (see release-core.ts). `--check` writes nothing and fails when a committed
 * student notebook differs from what release would produce.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "../cli/args";
import { releaseNotebook, serializeNotebook, type Notebook } from "./release-core";

function main(argv: string[]): number {
  const args = parseArgs(argv, { check: { type: "boolean", help: "fail on drift, write nothing" } });
  const names = readdirSync("solutions")
    .filter((f) => f.endsWith(".ipynb"))
    .sort();
  const drift: string[] = [];
  for (const name of names) {
    let nb: Notebook;
    try {
      nb = JSON.parse(readFileSync(join("solutions", name), "utf8"));
    } catch (err) {
      throw new Error(`solutions/${name} is not valid notebook JSON: ${(err as Error).message}`);
    }
    const text = serializeNotebook(releaseNotebook(nb, `solutions/${name}`));
    const target = join("notebooks", name);
    const current = existsSync(target) ? readFileSync(target, "utf8") : undefined;
    if (args.check) {
      if (current !== text) drift.push(target);
    } else if (current !== text) {
      writeFileSync(target, text);
      console.log(`wrote ${target}`);
    } else {
      console.log(`${target} is up to date`);
    }
  }
  if (args.check) {
    if (drift.length > 0) {
      console.error(
        `These student notebooks differ from what npm run release generates from solutions/:\n  ${drift.join("\n  ")}\nRun npm run release and commit the result.`,
      );
      return 1;
    }
    console.log(`${names.length} student notebook(s) match solutions/.`);
  }
  return 0;
}

try {
  process.exit(main(process.argv.slice(2)));
} catch (err) {
  console.error(`release failed: ${(err as Error).message}`);
  process.exit(1);
}
