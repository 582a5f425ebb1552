/**
 * What `import … from "vae-lab"` gives a notebook (package.json "main"): the library's API
 * (src/index.ts) and the exercises' `check()`. The library builds without the course's exercises;
 * this entry is where the two meet.
 */
export * from "./src/index";
export { check } from "./exercises/notebook";
