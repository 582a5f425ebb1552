import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeAtomic } from "./files";

describe("writeAtomic", () => {
  it("creates the folder, replaces the file whole, and leaves no temporary file", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "vae-atomic-")), "a", "b");
    writeAtomic(join(dir, "x.json"), "old");
    writeAtomic(join(dir, "x.json"), "new");
    expect(readFileSync(join(dir, "x.json"), "utf8")).toBe("new");
    expect(readdirSync(dir)).toEqual(["x.json"]);
  });

  it("removes its temporary file when the rename fails, and throws", () => {
    const dir = mkdtempSync(join(tmpdir(), "vae-atomic-"));
    mkdirSync(join(dir, "taken", "inside"), { recursive: true }); // a non-empty folder cannot be renamed over
    expect(() => writeAtomic(join(dir, "taken"), "text")).toThrow();
    expect(readdirSync(dir)).toEqual(["taken"]);
  });
});
