/**
 * Source maps for our own files only. tsx turns Node's source-map support on so that a stack trace
 * points at the TypeScript line; Node then decodes the source map of EVERY module it compiles,
 * including the inline base64 maps of each cdktf and provider file (about 6 % of a synth, 0.1 s).
 * With this, packages under node_modules compile with source maps off (their frames show the
 * JavaScript file, as without tsx) and everything else keeps them.
 *
 * Guarded: on a Node without `process.setSourceMapsEnabled` or with source maps already off it does
 * nothing, and installing it twice installs it once.
 */
import Module from "node:module";
import { sep } from "node:path";

const INSTALLED = Symbol.for("data-platform-kit.own-source-maps");
type Compile = (this: unknown, content: string, filename: string) => unknown;

export function mapOwnSourcesOnly(): boolean {
  const proto = (Module as unknown as { prototype: { _compile?: Compile; [INSTALLED]?: true } }).prototype;
  if (proto[INSTALLED]) return true;
  const compile = proto._compile;
  if (typeof compile !== "function" || typeof process.setSourceMapsEnabled !== "function") return false;
  const marker = `${sep}node_modules${sep}`;
  proto._compile = function (this: unknown, content: string, filename: string) {
    if (!filename.includes(marker) || !process.sourceMapsEnabled)
      return compile.call(this, content, filename);
    process.setSourceMapsEnabled(false);
    try {
      return compile.call(this, content, filename);
    } finally {
      process.setSourceMapsEnabled(true);
    }
  };
  proto[INSTALLED] = true;
  return true;
}
