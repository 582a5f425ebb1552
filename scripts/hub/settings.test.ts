import { describe, expect, it } from "vitest";
import { hubSettings, type HubOptions } from "./settings";

const base: HubOptions = {
  demo: true,
  host: "127.0.0.1",
  port: 8000,
  hubPort: 8081,
  proxyApiPort: 8001,
  stateDir: "/srv/hub",
  homes: "/srv/hub/homes",
  users: ["ada", "ben"],
  groups: [],
  admins: [],
  demoPassword: "pw",
  project: "/opt/vae-lab",
  node: "/usr/bin/node",
  jupyterPath: "/srv/hub/share/jupyter",
  nproc: 512,
  idleKernelMinutes: 60,
  idleServerMinutes: 180,
  root: true,
};

describe("the hub's settings", () => {
  it("demo: the dummy login's password, homes under one folder, servers as root need --allow-root, no per-uid limit", () => {
    const s = hubSettings(base);
    expect(s).toMatchObject({
      mode: "demo",
      bindUrl: "http://127.0.0.1:8000",
      homes: "/srv/hub/homes",
      demoPassword: "pw",
      singleuserCmd: ["jupyterhub-singleuser"],
    });
    expect(s.singleuserArgs).toContain("--allow-root");
    expect(hubSettings({ ...base, root: false }).singleuserArgs).not.toContain("--allow-root");
  });

  it("PAM: system homes, no shared password, and each student's tasks capped with prlimit", () => {
    const s = hubSettings({ ...base, demo: false, groups: ["students"] });
    expect(s).toMatchObject({ mode: "pam", homes: null, demoPassword: null, groups: ["students"] });
    expect(s.singleuserCmd).toEqual(["prlimit", "--nproc=512", "--", "jupyterhub-singleuser"]);
    expect(s.singleuserArgs).not.toContain("--allow-root");
  });

  it("every student's server sees the vae-lab kernel and carries the hub's marker", () => {
    expect(hubSettings(base).environment).toEqual({ JUPYTER_PATH: "/srv/hub/share/jupyter", VAE_LAB_HUB: "/srv/hub" });
  });

  it("seeds with our own code, by absolute paths (the home is appended by the hook)", () => {
    expect(hubSettings(base).seedCommand).toEqual([
      "/usr/bin/node",
      "/opt/vae-lab/node_modules/tsx/dist/cli.mjs",
      "/opt/vae-lab/scripts/hub/seed.ts",
      "--lessons",
      "/opt/vae-lab/notebooks",
      "--project",
      "/opt/vae-lab",
    ]);
  });

  it("stops idle kernels and servers after the given minutes, or never for 0", () => {
    expect(hubSettings(base).singleuserArgs).toEqual([
      "--allow-root",
      "--MappingKernelManager.cull_idle_timeout=3600",
      "--MappingKernelManager.cull_interval=120",
      "--NotebookApp.shutdown_no_activity_timeout=10800",
    ]);
    expect(hubSettings({ ...base, idleKernelMinutes: 0, idleServerMinutes: 0, root: false }).singleuserArgs).toEqual(
      [],
    );
  });

  it("writes an IPv6 address in brackets, and declares the memory and CPU limits when given", () => {
    expect(hubSettings({ ...base, host: "::1" }).bindUrl).toBe("http://[::1]:8000");
    expect(hubSettings({ ...base, memLimit: "2G", cpuLimit: 1 })).toMatchObject({ memLimit: "2G", cpuLimit: 1 });
    expect(hubSettings(base)).toMatchObject({ memLimit: null, cpuLimit: null });
  });
});
