/**
 * deploy/ (the container image and the Zero-to-JupyterHub values) is not run by CI: there is no
 * Docker or Kubernetes there. What can be checked here is that it does what the tested local hub
 * does: the same Debian packages (.ci/run installs them for the hub test), the same install
 * (`npm ci`) and kernel registration (`npm run hub -- --install-kernel`), and exactly the seeding
 * command the hub's pre-spawn hook runs, for the image's paths.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { seedCommand } from "./settings";

const dockerfile = fs.readFileSync("deploy/Dockerfile", "utf8");
const values = fs.readFileSync("deploy/helm/values.yaml", "utf8");
const ci = fs.readFileSync(".ci/run", "utf8");
/** The RUN instructions, continuation lines joined. */
const runs = dockerfile
  .replace(/\\\n/g, " ")
  .split("\n")
  .filter((l) => l.startsWith("RUN "))
  .map((l) => l.slice(4).replace(/\s+/g, " ").trim());
const scalar = (key: string) => values.match(new RegExp(`^\\s*${key}:\\s*(\\S+)`, "m"))?.[1].replace(/^"|"$/g, "");

describe("the container image and Helm values (not run by CI)", () => {
  it("says so at the top of both files", () => {
    expect(dockerfile).toMatch(/NOT TESTED BY OUR CI/);
    expect(values).toMatch(/NOT TESTED BY OUR CI/);
  });

  it("installs only Debian packages that .ci/run installs for the tested hub", () => {
    const apt = runs.find((r) => r.includes("apt-get install"))!;
    const packages = apt
      .split("apt-get install")[1]
      .split("&&")[0]
      .split(" ")
      .filter((w) => w && !w.startsWith("-"));
    const ciPackages = ci
      .replace(/\\\n/g, " ")
      .split("apt-get install -y")[1]
      .split(">")[0]
      .split(/\s+/)
      .filter((w) => w && !w.startsWith("-"));
    expect(packages.length).toBeGreaterThan(3);
    expect(packages.filter((p) => !ciPackages.includes(p))).toEqual([]);
  });

  it("installs as CI does and registers the kernel with the hub's own registration", () => {
    expect(runs).toContain("npm ci --no-audit --no-fund");
    expect(ci).toMatch(/npm ci --no-audit --no-fund/);
    expect(runs).toContain("npm run hub -- --install-kernel /usr/local");
    expect(dockerfile).toMatch(/^WORKDIR \/opt\/vae-lab$/m);
  });

  it("seeds each pod's home with exactly the local hub's seeding command", () => {
    const line = values.match(/command: (\[.*\])/)![1];
    const home = scalar("homeMountPath")!;
    expect(JSON.parse(line)).toEqual([...seedCommand("/opt/vae-lab", "/usr/local/bin/node"), home]);
    expect(dockerfile).toContain(`ENV HOME=${home}`);
    expect(scalar("defaultUrl")).toBe("/tree/vae-lab");
    expect(scalar("VAE_LAB_CACHE")).toBe(`${home}/.cache/vae-lab`);
  });
});
