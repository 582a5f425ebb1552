/**
 * Durable, atomic saving: files fsynced before the rename that publishes them, the folder fsynced
 * after, and temporaries of killed saves cleaned up on the next save.
 */
import { closeSync, fsyncSync, openSync, readdirSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

/** Writes and fsyncs a file, so a rename afterwards never publishes a file whose bytes are not on disk. */
export function writeDurably(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, "w");
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes the renames themselves durable. Not every platform can fsync a folder; then this is skipped. */
export function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Windows cannot open a folder for fsync; the renames are still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Temporary files left by a save that was killed (its process is gone) are removed on the next save. */
export function removeStaleTemporaries(dir: string): void {
  for (const name of readdirSync(dir)) {
    const match = /^(?:checkpoint\.json|weights\.bin)\.tmp-(\d+)-[0-9a-f]+$/.exec(name);
    if (match && !processAlive(Number(match[1]))) rmSync(join(dir, name), { force: true });
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true; // another save in this process may be running
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}
