import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { groupMembers, systemAccounts } from "./accounts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vae-lab-accounts-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, text: string) => (fs.writeFileSync(path.join(tmp, name), text), path.join(tmp, name));

describe("system accounts as the PAM login sees them", () => {
  it("reads each account's home from passwd, skipping lines that are not accounts", () => {
    const passwd = file(
      "passwd",
      "root:x:0:0:root:/root:/bin/bash\nada:x:1001:1001:Ada:/home/ada:/bin/bash\n# a comment\n\n",
    );
    expect([...systemAccounts(passwd)]).toEqual([
      ["root", "/root"],
      ["ada", "/home/ada"],
    ]);
  });

  it("takes a group's listed members, as JupyterHub 3 does (not users whose primary group it is)", () => {
    const group = file("group", "students:x:1100:ada,ben\nstaff:x:1200:ben,cleo\nada:x:1001:\n");
    expect(groupMembers(["students"], group)).toEqual(["ada", "ben"]);
    expect(groupMembers(["students", "staff"], group)).toEqual(["ada", "ben", "cleo"]);
    expect(groupMembers(["ada"], group)).toEqual([]);
  });
});
