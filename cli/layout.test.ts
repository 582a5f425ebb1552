/**
 * The terminal tools (this folder: the npm start and npm run experiment commands, the argument
 * parser and the progress bar that grading/, scripts/ and bench/ use too) sit outside the library:
 * src/ is what notebooks import and what the build ships, and it never reaches into cli/.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sourceFiles(p);
    return /\.(ts|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

describe("the library's boundary with the tools", () => {
  it("src/ imports nothing from cli/", () => {
    const offenders = sourceFiles(join(root, "src")).filter((file) => {
      const specs = [
        ...readFileSync(file, "utf8").matchAll(/\bfrom\s+["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']/g),
      ].map((m) => m[1] ?? m[2]);
      return specs.some(
        (s) => s.startsWith(".") && relative(root, resolve(join(file, ".."), s)).split(/[\\/]/)[0] === "cli",
      );
    });
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });
});
