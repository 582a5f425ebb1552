import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../hub";

let said = "";
const write = process.stderr.write;
beforeEach(() => {
  said = "";
  process.stderr.write = ((s: string) => ((said += s), true)) as typeof process.stderr.write;
});
afterEach(() => {
  process.stderr.write = write;
});

describe("npm run hub's refusals (before anything starts)", () => {
  it("keeps the shared password and the homes folder to --demo", async () => {
    expect(await main(["--password", "x"])).toBe(2);
    expect(said).toContain("--password is for --demo only");
    expect(await main(["--homes", "/srv/homes"])).toBe(2);
    expect(said).toContain("--homes is for --demo only");
  });

  it("takes --users or --groups, not both, since JupyterHub would ignore the users", async () => {
    expect(await main(["--users", "ada", "--groups", "students"])).toBe(2);
    expect(said).toContain("give --users or --groups, not both");
  });

  it("names an unexpected argument", async () => {
    expect(await main(["start"])).toBe(2);
    expect(said).toContain('unexpected argument "start"');
  });
});
