/**
 * How this repository runs a TypeScript file with Node: `node --require tsx/cjs <file>.ts`, as every
 * npm script of package.json does (test/scripts-args.test.ts checks that they all do). Everything
 * that starts one of our .ts files in a child process takes its flags from here.
 *
 * Why tsx's CommonJS hook and not `--import tsx`: the package is "type": "commonjs", so tsx
 * compiles our files to CommonJS either way, and `--import tsx` also starts tsx's ES-module hooks
 * in a worker thread that a CommonJS program never uses: measured on `npm run synth`, 0.32 s of CPU
 * and 0.25 s of wall time per process. The one thing the CommonJS hook cannot do is a dynamic
 * `import()` of a .ts file, so code loaded after its arguments are checked uses a typed
 * `require("./x") as typeof import("./x")` instead (test/scripts-args.test.ts checks that no
 * script, nor main.ts, has an `import()` left).
 */
export const TSX_FLAGS: readonly string[] = ["--require", "tsx/cjs"];
