/**
 * Where vae-lab keeps its files: the project root (found from the working directory, so it works
 * from notebooks/ in Jupyter as well as from the repository root) and the cache folder (converted
 * MNIST digits, checkpoints, plotly.js; git-ignored and safe to delete).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";

export const CACHE_ENV_VAR = "VAE_LAB_CACHE";

/**
 * The nearest folder at or above `from` whose package.json is named "vae-lab"; undefined if none.
 *
 * @example
 * projectRoot("/home/ada/vae-lab/notebooks"); //=> "/home/ada/vae-lab"
 * projectRoot("/tmp");                 //=> undefined
 */
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
 * The cache folder, created on demand: $VAE_LAB_CACHE, else <project root>/.cache, else
 * ~/.cache/vae-lab (when running outside the project, e.g. from an installed copy). `env` and `from`
 * default to the process's; tests pass their own.
 *
 * @example
 * cacheDir(); //=> "/home/ada/vae-lab/.cache" (when run inside the project, without VAE_LAB_CACHE)
 */
export function cacheDir(env: Record<string, string | undefined> = process.env, from: string = process.cwd()): string {
  let dir: string;
  if (env[CACHE_ENV_VAR]) {
    dir = resolve(from, env[CACHE_ENV_VAR]!);
  } else {
    const root = projectRoot(from);
    dir = root ? join(root, ".cache") : join(env.HOME || homedir(), ".cache", "vae-lab");
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new Error(
      `Cannot create the vae-lab cache folder ${dir} (${(err as Error).message}). ` +
        `Set ${CACHE_ENV_VAR} to a folder you can write to, e.g. ${CACHE_ENV_VAR}=/tmp/vae-lab-cache.`,
    );
  }
  return dir;
}
