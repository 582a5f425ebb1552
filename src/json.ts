/**
 * Small tools for JSON-like values (parsed files, configs, settings): the one `isRecord`, a canonical
 * string (`stableStringify`) and a readable list of differences (`configDifferences`).
 */

/** A plain object (not null, not an array): what a parsed JSON `{…}` is. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * JSON with object keys sorted and undefined properties dropped: equal values give equal strings.
 *
 * @example
 * stableStringify({ b: 1, a: [2, { d: undefined, c: 3 }] }); //=> '{"a":[2,{"c":3}],"b":1}'
 */
export function stableStringify(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(",")}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableStringify(x)}`).join(",")}}`;
}

/**
 * Whether two model configs (or any JSON-like values, such as hyperparameter records) are equal:
 * same keys and values at every depth, key order ignored, `undefined` properties treated as absent
 * (as JSON does). Numbers compare exactly: 1e-3 and 0.001 are equal, 0.1 + 0.2 and 0.3 are not.
 *
 * @example
 * configsEqual(mnistVae(2), { ...mnistVae(2) });   //=> true
 * configsEqual(mnistVae(2), mnistVae(10));        //=> false
 */
export function configsEqual(a: unknown, b: unknown): boolean {
  return configDifferences(a, b).length === 0;
}

/**
 * Where `have` differs from `want`, one line per difference, for messages such as "the checkpoint
 * was trained with latentDim 2; you asked for 10, so it is trained again".
 *
 * @example
 * configDifferences(mnistVae(10), mnistVae(2)); //=> ["latentDim: wanted 10, found 2"]
 */
export function configDifferences(want: unknown, have: unknown, path = ""): string[] {
  const show = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v));
  const here = path === "" ? "(whole value)" : path;
  if (isRecord(want) && isRecord(have)) {
    const keys = [...new Set([...Object.keys(want), ...Object.keys(have)])].sort();
    return keys.flatMap((k) => configDifferences(want[k], have[k], path === "" ? k : `${path}.${k}`));
  }
  if (Array.isArray(want) && Array.isArray(have)) {
    if (want.length !== have.length) return [`${here}: wanted ${show(want)}, found ${show(have)}`];
    return want.flatMap((w, i) => configDifferences(w, have[i], `${path}[${i}]`));
  }
  return Object.is(want, have) || (want === 0 && have === 0)
    ? []
    : [`${here}: wanted ${show(want)}, found ${show(have)}`];
}
