import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PART_IDS, PARTS } from "../src/testing/systemParts";

const doctor = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join("node_modules", "tsx", "dist", "cli.mjs"), "scripts/doctor.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 60_000,
  });

describe("npm run doctor", () => {
  it("lists every system part, and for the missing ones the Debian/Ubuntu and macOS commands", () => {
    const r = doctor([], { VAE_LAB_HIDE_PARTS: "chromium" });
    expect(r.status, r.stderr).toBe(0);
    for (const id of PART_IDS) expect(r.stdout).toContain(PARTS[id].name);
    expect(r.stdout).toMatch(/✗ Chromium: missing \(hidden by VAE_LAB_HIDE_PARTS\)/);
    expect(r.stdout).toContain(`Debian/Ubuntu:\n    ${PARTS.chromium.install.debian}`);
    expect(r.stdout).toContain(`macOS (Homebrew):\n    ${PARTS.chromium.install.macos}`);
    expect(r.stdout).toMatch(new RegExp(`✓ Node ${process.versions.node.replace(/\./g, "\\.")}`));
    expect(r.stdout).toMatch(/@tensorflow\/tfjs-node-gpu: .*npm run enable:gpu/);
  });

  it("prints the same findings as JSON with --json", () => {
    const r = doctor(["--json"], { VAE_LAB_HIDE_PARTS: "all" });
    const out = JSON.parse(r.stdout);
    expect(out.parts.map((p: { id: string }) => p.id)).toEqual([...PART_IDS]);
    expect(out.parts.every((p: { present: boolean }) => !p.present)).toBe(true);
    expect(out.node).toMatchObject({ version: process.versions.node, execPath: process.execPath, supported: true });
  });
});
