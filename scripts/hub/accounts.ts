/**
 * System accounts as JupyterHub's PAM login sees them: /etc/passwd (name → home) and the members
 * /etc/group lists for a group (JupyterHub 3 checks those, not users whose primary group it is).
 * Used by `npm run hub` (to warn about names that are no account) and `npm run collect` (to find a
 * PAM hub's students' homes).
 */
import * as fs from "node:fs";

/** Account name → home folder. */
export function systemAccounts(passwd = "/etc/passwd"): Map<string, string> {
  const rows = fs
    .readFileSync(passwd, "utf8")
    .split("\n")
    .map((l) => l.split(":"))
    .filter((f) => f.length >= 7);
  return new Map(rows.map((f) => [f[0], f[5]]));
}

/** The members /etc/group lists for each of `groups`. */
export function groupMembers(groups: string[], group = "/etc/group"): string[] {
  const rows = fs
    .readFileSync(group, "utf8")
    .split("\n")
    .map((l) => l.split(":"))
    .filter((f) => f.length >= 4 && groups.includes(f[0]));
  return [...new Set(rows.flatMap((g) => g[3].split(",").filter(Boolean)))];
}
