/**
 * Where vae-lab keeps its files: the project root (found from the working directory, so it works
 * from notebooks/ in Jupyter as well as from the repository root) and the cache folder.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";

/** The nearest folder at or above `from` whose package.json is named "vae-lab"; undefined if none. */
export function projectRoot(from: string = process.cwd()): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, "utf8")).name === "vae-lab") return dir;
      } catch {
        // an unreadable package.json is not ours; keep looking upwards
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The cache folder (created on demand): $VAE_LAB_CACHE, else <project root>/.cache, else
 * ~/.cache/vae-lab. Holds the converted MNIST digits and checkpoints; safe to delete.
 */
export function cacheDir(env: Record<string, string | undefined> = process.env): string {
  const root = projectRoot();
  const dir = env.VAE_LAB_CACHE ? resolve(env.VAE_LAB_CACHE) : root ? join(root, ".cache") : join(homedir(), ".cache", "vae-lab");
  mkdirSync(dir, { recursive: true });
  return dir;
}
