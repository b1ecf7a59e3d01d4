/**
 * Starts a server script in a child process and reads the JSON line it prints when ready. A `.ts`
 * script runs under the repository's TypeScript hook (scripts/lib/ts-flags.ts); a `.js` one with
 * plain node.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { TS_FLAGS } from "./ts-flags";

export async function startChildServer<T>(
  script: string,
  args: string[],
  cwd: string,
): Promise<{ info: T; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...(script.endsWith(".ts") ? TS_FLAGS : []), script, ...args],
    {
      cwd,
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
  });
  return {
    info: JSON.parse(line) as T,
    stop: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
