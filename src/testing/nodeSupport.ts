/**
 * Which Node versions vae-lab supports, matching package.json's `engines`: the LTS lines 22 and 24,
 * and 20 from 20.15 (earlier 20.x lack zlib.crc32, which the Gradescope zip builder uses) while it
 * works. Odd lines and newer majors are untested.
 *
 * @example
 * nodeSupport("20.11.1").supported; //=> false
 */
export const SUPPORTED_NODE_RANGE = "^20.15.0 || ^22.0.0 || ^24.0.0";
export const TESTED_NODE_MAJORS = [20, 22, 24] as const;

export function nodeSupport(version: string): { supported: boolean; message: string } {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  if (major === 20 && minor < 15)
    return {
      supported: false,
      message: "Node 20 before 20.15 lacks zlib.crc32; install Node 22 or 24 (https://nodejs.org)",
    };
  if (major < 20) return { supported: false, message: "too old; install Node 22 or 24 (https://nodejs.org)" };
  if (major === 20)
    return {
      supported: true,
      message: "supported while it works (Node 20 reached end of life on 2026-04-30; prefer 22 or 24)",
    };
  if (major === 22 || major === 24) return { supported: true, message: "supported (an LTS line vae-lab is tested on)" };
  return { supported: true, message: `untested (vae-lab is tested on Node 22 and 24); it probably works` };
}
