import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// Every design reference in the repository ("docs/design.md §n") names a section of docs/design.md,
// and nothing points at design notes outside the repository.
const files = spawnSync("git", ["ls-files"], { encoding: "utf8" })
  .stdout.split("\n")
  .filter((f) => /\.(ts|js|mjs|py|md|json|ipynb|sh)$/.test(f) || f === ".ci/run");
const sections = new Set([...readFileSync("docs/design.md", "utf8").matchAll(/^## (\d+)\. /gm)].map((m) => m[1]));

describe("design references", () => {
  it("resolve to a section of docs/design.md", () => {
    const broken = files.flatMap((f) =>
      [...readFileSync(f, "utf8").matchAll(/(?:docs\/design\.md|DESIGN) §(\d+)/g)]
        .filter((m) => !sections.has(m[1]))
        .map((m) => `${f}: ${m[0]}`),
    );
    expect(sections.size).toBeGreaterThanOrEqual(8);
    expect(broken).toEqual([]);
  });

  it("never point outside the repository", () => {
    expect(
      files.filter((f) => f !== "scripts/docs.test.ts" && /shared\/DESIGN\.md/.test(readFileSync(f, "utf8"))),
    ).toEqual([]);
  });
});
