/**
 * A leaner compile step for tslab's cells (the vae-lab kernel, scripts/kernel.mjs; measured in docs/notebooks.md).
 *
 * tslab compiles every cell through a TypeScript watch program whose "builder" is TypeScript's
 * EmitAndSemanticDiagnosticsBuilderProgram. tslab uses it for four things only: the program,
 * a source file, emitting one file, and the .ts/.js files a cell depends on (getAllDependencies,
 * to compile a notebook's local .ts modules). But creating that builder maps the references of EVERY
 * file in the program — each import of each .d.ts of @types/node, @tensorflow/tfjs and vae-lab,
 * resolved through a fresh type checker — and tslab creates two programs per cell. Profiled
 * (tslab 1.0.22, TypeScript 5.0.4): that map was ~75% of a trivial cell's compile time once a
 * notebook imports vae-lab.
 *
 * The lean builder gives tslab the same four things from a plain ts.Program, and finds a cell's
 * dependencies by walking only from the cell: imports resolved with the same checker call TypeScript's
 * builder uses (getSymbolAtLocation on each import), descending into .ts/.js files and stopping at
 * declaration files (.d.ts files never import .ts sources in a package; tslab then keeps only the
 * .ts/.js files anyway). Diagnostics are unchanged: tslab asks the program for them directly.
 */

/** The TypeScript line this was written against and tested with (tslab pins it). */
export const LEAN_BUILDER_TS = "5.0";

/** The .ts/.js files `sourceFile` depends on, itself and the declaration files it imports included. */
export function cellDependencies(program, sourceFile) {
  const checker = program.getTypeChecker();
  const seen = new Set([sourceFile.fileName]);
  const queue = [sourceFile];
  while (queue.length > 0) {
    const file = queue.pop();
    for (const name of file.imports ?? []) {
      const symbol = checker.getSymbolAtLocation(name);
      for (const declaration of symbol?.declarations ?? []) {
        const dep = declaration.getSourceFile();
        if (seen.has(dep.fileName)) continue;
        seen.add(dep.fileName);
        if (!dep.isDeclarationFile) queue.push(dep);
      }
    }
  }
  return [...seen];
}

/** A `createProgram` for ts.createWatchCompilerHost giving what tslab's converter uses of a builder program. */
export function leanBuilderProgram(ts) {
  return function createProgram(rootNames, options, host, oldBuilder, configFileParsingDiagnostics, projectReferences) {
    const program = ts.createProgram({
      rootNames,
      options,
      host,
      oldProgram: oldBuilder?.getProgramOrUndefined(),
      configFileParsingDiagnostics,
      projectReferences,
    });
    // tslab reads a cell's `locals` straight after, to export them: they are the binder's, which
    // TypeScript's builder ran by creating a checker. Binding is what the checker would do first
    // (initializeTypeChecker), without the checker: the program's only one is made when tslab asks.
    for (const file of program.getSourceFiles()) ts.bindSourceFile(file, program.getCompilerOptions());
    return {
      getProgram: () => program,
      getProgramOrUndefined: () => program,
      releaseProgram: () => {},
      getCompilerOptions: () => program.getCompilerOptions(),
      getSourceFile: (fileName) => program.getSourceFile(fileName),
      getSourceFiles: () => program.getSourceFiles(),
      getAllDependencies: (sourceFile) => cellDependencies(program, sourceFile),
      emit: (sourceFile, writeFile, cancellationToken, emitOnlyDts, transformers) =>
        program.emit(sourceFile, writeFile, cancellationToken, emitOnlyDts, transformers),
    };
  };
}

/**
 * Makes tslab (in `tslabDir`) compile with the lean builder: replaces, in Node's module cache, the
 * exports of tslab's TypeScript by a copy whose createWatchCompilerHost defaults to it. Call before
 * tslab's converter is loaded. Returns why it did not, if it did not (another TypeScript line).
 */
export function installLeanBuilder(require, tslabDir) {
  const tsPath = require.resolve("@tslab/typescript-for-tslab", { paths: [tslabDir] });
  const ts = require(tsPath);
  if (ts.versionMajorMinor !== LEAN_BUILDER_TS)
    return `tslab's TypeScript is ${ts.version}, not ${LEAN_BUILDER_TS}: cells compile with TypeScript's own builder`;
  const createProgram = leanBuilderProgram(ts);
  // TypeScript's exports are non-configurable getters, so the module's exports are replaced by a copy.
  require.cache[tsPath].exports = {
    ...ts,
    createWatchCompilerHost: (rootFiles, options, system, create, ...rest) =>
      ts.createWatchCompilerHost(rootFiles, options, system, create ?? createProgram, ...rest),
  };
  return undefined;
}
