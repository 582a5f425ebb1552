/**
 * One linear pass over submission text, for the trusted steps that read it before any compiler
 * does (../docs/grading.md, "no shared fate"): comments and the insides of strings and template
 * literals blanked out (same length, newlines kept, so positions still match), and the deepest
 * bracket nesting. Regular expressions run on the masked text cannot be fooled by a comment such
 * as `// function reparameterize(`, and the nesting depth lets the grader refuse, as a syntax
 * problem of the learner's, a cell that would overflow the compiler's stack.
 * Regex literals are not recognised (a quote inside one masks the rest of its line as a string).
 */

export interface Scan {
  /** The source with comments and string contents replaced by spaces. */
  masked: string;
  /** The deepest nesting of (, [ and { outside comments and strings. */
  depth: number;
}

export function scan(source: string): Scan {
  const out = source.split("");
  const blank = (i: number) => {
    if (out[i] !== "\n" && out[i] !== "\r") out[i] = " ";
  };
  // A stack of open brackets; a "`" entry marks a template literal's ${ … } (its "}" resumes the literal).
  const stack: string[] = [];
  let depth = 0;
  let i = 0;
  const n = source.length;
  const inTemplate = (start: number): number => {
    // From just after a backtick (or a closing "}" of ${ … }): blank text until "`" or "${".
    let k = start;
    while (k < n) {
      const c = source[k];
      if (c === "\\") {
        blank(k);
        if (k + 1 < n) blank(k + 1);
        k += 2;
      } else if (c === "`") return k + 1;
      else if (c === "$" && source[k + 1] === "{") {
        stack.push("`");
        depth = Math.max(depth, stack.length);
        return k + 2;
      } else {
        blank(k);
        k++;
      }
    }
    return k;
  };
  while (i < n) {
    const c = source[i];
    if (c === "/" && source[i + 1] === "/") {
      while (i < n && source[i] !== "\n") blank(i++);
    } else if (c === "/" && source[i + 1] === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end < 0 ? n : end + 2;
      while (i < stop) blank(i++);
    } else if (c === '"' || c === "'") {
      i++;
      while (i < n && source[i] !== c && source[i] !== "\n") {
        if (source[i] === "\\" && i + 1 < n) blank(i++);
        blank(i++);
      }
      i++;
    } else if (c === "`") {
      i = inTemplate(i + 1);
    } else if (c === "(" || c === "[" || c === "{") {
      stack.push(c);
      depth = Math.max(depth, stack.length);
      i++;
    } else if (c === ")" || c === "]" || c === "}") {
      const top = stack.pop();
      i++;
      if (c === "}" && top === "`") i = inTemplate(i);
    } else i++;
  }
  return { masked: out.join(""), depth };
}

/** Deeper than this, a cell is refused before compiling (real code nests a dozen levels or so). */
export const MAX_NESTING = 200;

/** Whitespace-insensitive form of a cell's source (to recognise the template's locked cells). */
export const normalise = (s: string) => s.replace(/\s+/g, " ").trim();
