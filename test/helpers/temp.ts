/**
 * Temporary folders that remove themselves: `tempDir("x-")` is removed after the test file (by
 * test/setup.ts), whether its tests passed or not. Use it instead of a bare `mkdtempSync`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const tracked = new Set<string>();

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tracked.add(dir);
  return dir;
}

export function removeTracked(): void {
  for (const dir of tracked) rmSync(dir, { recursive: true, force: true });
  tracked.clear();
}
