/**
 * A small typed argument parser for the vae-lab commands (start, bench, grade, experiment).
 * Unknown flags, missing values and bad numbers are errors that name the flag and show the usage.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export type OptionSpec =
  | { type: "number"; default?: number; integer?: boolean; min?: number; max?: number; help: string }
  | { type: "string"; default?: string; choices?: readonly string[]; help: string }
  | { type: "boolean"; help: string };

export type Spec = Record<string, OptionSpec>;

type ValueOf<O extends OptionSpec> = O extends { type: "number" }
  ? number
  : O extends { type: "string" }
    ? string
    : boolean;
export type Parsed<S extends Spec> = { [K in keyof S]: ValueOf<S[K]> | undefined } & { _: string[] };

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Parses `--name value`, `--name=value` and boolean `--flag`. Positional arguments land in `_`. */
export function parseArgs<S extends Spec>(argv: string[], spec: S): Parsed<S> {
  const out: Record<string, unknown> = { _: [] as string[] };
  for (const [name, o] of Object.entries(spec)) if ("default" in o && o.default !== undefined) out[name] = o.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      (out._ as string[]).push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--")) {
      (out._ as string[]).push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const o = spec[name];
    if (!o)
      throw new UsageError(
        `unknown option --${name}. Options: ${Object.keys(spec)
          .map((k) => `--${k}`)
          .join(", ")}.`,
      );
    if (o.type === "boolean") {
      if (eq !== -1) throw new UsageError(`--${name} is a switch and takes no value.`);
      out[name] = true;
      continue;
    }
    const raw = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (raw === undefined || (eq === -1 && raw.startsWith("--")))
      throw new UsageError(`--${name} needs a value (${o.help}).`);
    if (o.type === "number") {
      const v = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(v)) throw new UsageError(`--${name} must be a number, got "${raw}".`);
      if (o.integer && !Number.isInteger(v)) throw new UsageError(`--${name} must be a whole number, got ${raw}.`);
      if (o.min !== undefined && v < o.min) throw new UsageError(`--${name} must be at least ${o.min}, got ${raw}.`);
      if (o.max !== undefined && v > o.max) throw new UsageError(`--${name} must be at most ${o.max}, got ${raw}.`);
      out[name] = v;
    } else {
      if (o.choices && !o.choices.includes(raw))
        throw new UsageError(`--${name} must be one of ${o.choices.join(", ")}, got "${raw}".`);
      out[name] = raw;
    }
  }
  return out as Parsed<S>;
}

/** The options block of a --help text. */
export function formatOptions(spec: Spec): string {
  const rows = Object.entries(spec).map(([name, o]) => {
    const flag = o.type === "boolean" ? `--${name}` : `--${name} <${o.type === "number" ? "n" : "value"}>`;
    const def = "default" in o && o.default !== undefined ? ` (default ${o.default})` : "";
    const choices = o.type === "string" && o.choices ? ` [${o.choices.join("|")}]` : "";
    return `  ${flag.padEnd(24)} ${o.help}${choices}${def}`;
  });
  return rows.join("\n");
}

/**
 * The front of every vae-lab command: parses `argv`, and on --help or a usage error prints the usage
 * and returns the exit code (0 or 2) instead of arguments.
 */
export function parseCommandLine<S extends Spec>(
  argv: string[],
  spec: S,
  usage: string,
  command: string,
): { args: Parsed<S> } | { exit: number } {
  let args: Parsed<S>;
  try {
    args = parseArgs(argv, spec);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${command}: ${err.message}\n\n${usage}`);
      return { exit: 2 };
    }
    throw err;
  }
  if ((args as Record<string, unknown>).help) {
    process.stdout.write(usage);
    return { exit: 0 };
  }
  return { args };
}

/** Whether the module at `moduleUrl` (its import.meta.url) is the script Node was started with (`tsx grading/cli.ts`), not an import. */
export function invokedDirectly(moduleUrl: string): boolean {
  const strip = (p: string) => p.replace(/\.[cm]?[jt]s$/, "");
  return !!process.argv[1] && strip(resolve(process.argv[1])) === strip(resolve(fileURLToPath(moduleUrl)));
}
