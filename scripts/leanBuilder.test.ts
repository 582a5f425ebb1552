import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// The vae-lab kernel compiles cells with scripts/leanBuilder.mjs instead of TypeScript's builder
// program. Both run here on the same cells, each in its own Node (the lean one replaces tslab's
// TypeScript in the module cache), and must give tslab the same answers.
const ROOT = process.cwd();
const dir = mkdtempSync(join(tmpdir(), "vae-lab-lean-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
mkdirSync(join(dir, "lib"));
writeFileSync(join(dir, "lib", "inner.ts"), "export const twice = (n: number): number => 2 * n;\n");
writeFileSync(
  join(dir, "helper.ts"),
  'import { twice } from "./lib/inner";\nexport const helper = (n: number) => twice(n) + 1;\n',
);

const CELLS = [
  'import { helper } from "./helper";\nimport { tf, type Vae } from "vae-lab";\nconst y = helper(2);\nlet v: Vae | undefined;',
  'const bad: number = "not a number";',
  "const t = tf.scalar(y);\nt.shape",
  "1 + 1",
  "interface P { a: number }\nconst p: P = { a: y };",
];

const SCRIPT = `
import { createRequire } from "node:module";
import { join } from "node:path";
import { installLeanBuilder } from ${JSON.stringify(join(ROOT, "scripts", "leanBuilder.mjs"))};
const require = createRequire(import.meta.url);
const tslabDir = ${JSON.stringify(join(ROOT, "node_modules", "tslab"))};
if (process.argv[1] === "lean" && installLeanBuilder(require, tslabDir)) process.exit(3);
const conv = require(join(tslabDir, "dist", "converter.js")).createConverter({ isJS: false, isBrowser: false });
let prev = "";
const results = [];
for (const src of JSON.parse(process.argv[2])) {
  const r = conv.convert(prev, src);
  prev = r.declOutput || prev;
  results.push({ ...r, sideOutputs: r.sideOutputs?.map((o) => ({ path: o.path.slice(process.cwd().length), data: o.data })) });
}
conv.close();
console.log(JSON.stringify(results));
process.exit(0);
`;

function convert(mode: "lean" | "stock") {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", SCRIPT, mode, JSON.stringify(CELLS)], {
    cwd: dir,
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as {
    output?: string;
    declOutput?: string;
    diagnostics: { messageText: string }[];
    sideOutputs?: { path: string }[];
  }[];
}

describe("the vae-lab kernel's lean builder", () => {
  it("compiles cells exactly as TypeScript's builder does: the same code, declarations, errors and local modules", () => {
    const lean = convert("lean");
    const stock = convert("stock");
    expect(lean).toEqual(stock);
    // ...and the cells exercise what the builder is used for:
    expect(lean[0].sideOutputs?.map((o) => o.path)).toEqual(["/helper.js", "/lib/inner.js"]);
    expect(lean[1].diagnostics.map((d) => d.messageText)).toEqual([
      "Type 'string' is not assignable to type 'number'.",
    ]);
    expect(lean[2].output).toContain("exports.tf.scalar(exports.y)");
    expect(lean[4].diagnostics).toEqual([]);
  });
});
