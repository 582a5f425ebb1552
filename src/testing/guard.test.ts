import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeSupport } from "./nodeSupport";
import { describeMissing, detectPart, installCommand, isCi, PART_IDS, PARTS } from "./systemParts";

const vitest = (env: Record<string, string>) =>
  spawnSync(
    process.execPath,
    [join("node_modules", "vitest", "vitest.mjs"), "run", "--config", "src/testing/fixtures/vitest.config.ts"],
    {
      encoding: "utf8",
      env: { ...process.env, CI: "", NO_COLOR: "1", FORCE_COLOR: "0", ...env },
      timeout: 120_000,
    },
  );

describe("skipWithout, on a test file whose parts are missing", () => {
  it("skips the whole file (hooks included) and ends the run naming each part and its install command", () => {
    const r = vitest({ VAE_LAB_HIDE_PARTS: "chromium,fashion-mnist" });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("Skipped 1 test file that needs a system part this machine lacks:");
    expect(r.stdout).toContain(
      `src/testing/fixtures/needsParts.test.ts: needs ${describeMissing([detectPart("chromium", { VAE_LAB_HIDE_PARTS: "all" }), detectPart("fashion-mnist", { VAE_LAB_HIDE_PARTS: "all" })])}`,
    );
    expect(r.stdout).not.toContain("beforeAll ran");
  });

  it("fails the file instead under CI=true, naming the part and the command", () => {
    const r = vitest({ VAE_LAB_HIDE_PARTS: "chromium,fashion-mnist", CI: "true" });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(
      /CI=true and this test file needs Chromium \(sudo apt-get install chromium\), Fashion-MNIST/,
    );
  });
});

describe("system parts", () => {
  it("count as missing when VAE_LAB_HIDE_PARTS names them (or says all)", () => {
    expect(detectPart("python", { VAE_LAB_HIDE_PARTS: "chromium, python" })).toEqual({
      id: "python",
      present: false,
      detail: "hidden by VAE_LAB_HIDE_PARTS",
    });
    for (const id of PART_IDS) expect(detectPart(id, { VAE_LAB_HIDE_PARTS: "all" }).present).toBe(false);
  });

  it("each have an install command for Debian/Ubuntu and for macOS", () => {
    for (const id of PART_IDS) {
      expect(installCommand(id, "linux")).toBe(PARTS[id].install.debian);
      expect(installCommand(id, "darwin")).toBe(PARTS[id].install.macos);
      expect(PARTS[id].install.debian).toMatch(/apt-get install/);
    }
  });

  it("reject an unknown part with the list of known ones", () => {
    expect(() => detectPart("cuda" as never)).toThrow(/unknown system part "cuda": use one of jupyter, jupyterhub/);
  });

  it("treat CI=true/1 as CI and empty, 0 or false as not", () => {
    expect([
      isCi({ CI: "true" }),
      isCi({ CI: "1" }),
      isCi({ CI: "" }),
      isCi({ CI: "false" }),
      isCi({ CI: "0" }),
      isCi({}),
    ]).toEqual([true, true, false, false, false, false]);
  });
});

describe("supported Node versions", () => {
  it("are 20.15+, 22 and 24; older ones are refused with the fix", () => {
    expect(nodeSupport("20.14.0")).toMatchObject({
      supported: false,
      message: expect.stringMatching(/zlib\.crc32; install Node 22 or 24/),
    });
    expect(nodeSupport("18.20.0").supported).toBe(false);
    expect(["20.15.0", "22.12.0", "24.1.0", "v24.22.3"].map((v) => nodeSupport(v).supported)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(nodeSupport("26.0.0")).toMatchObject({ supported: true, message: expect.stringMatching(/untested/) });
  });

  it("match package.json's engines", async () => {
    const { SUPPORTED_NODE_RANGE } = await import("./nodeSupport");
    const pkg = JSON.parse((await import("node:fs")).readFileSync("package.json", "utf8"));
    expect(pkg.engines.node).toBe(SUPPORTED_NODE_RANGE);
  });

  it("include the Node running this test", () => {
    expect(nodeSupport(process.versions.node).supported).toBe(true);
  });
});
