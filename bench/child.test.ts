import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { lastJsonLine, median } from "./child";

const run = (script: string) => spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });

describe("reading a bench child's result", () => {
  it("parses the last JSON line, after any other output", () => {
    const r = run(
      'console.log("warming up"); console.log(JSON.stringify({ a: 1 })); console.log(JSON.stringify({ a: 2 }))',
    );
    expect(lastJsonLine<{ a: number }>(r)).toEqual({ a: 2 });
  });

  it("names the exit status and the end of stderr when the child fails or prints no JSON", () => {
    expect(() => lastJsonLine(run('console.error("first"); console.error("boom"); process.exit(3)'))).toThrow(
      "exit 3: first | boom",
    );
    expect(() => lastJsonLine(run('console.log("no json")'))).toThrow(/^exit 0: $/);
  });

  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
