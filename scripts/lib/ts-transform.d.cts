/** Types of ./ts-transform.cjs (plain JavaScript: it is what makes TypeScript loadable). */
export function cacheKey(source: string, filename: string, sourcemap: "inline" | "external"): string;
export function transform(
  source: string,
  filename: string,
  sourcemap: "inline" | "external",
): { code: string; map: string };
export function compileCached(source: string, filename: string, cacheDir: string): string;
export const ESBUILD_VERSION: string;
