/**
 * A long-lived child process that answers one stdout line per stdin line (e.g.
 * `functions/bq-reconcile/dev/run-handler.ts --serve`): a test file starts it once instead of
 * one process per case. Requests are answered in order; `stop()` ends it (call it in afterAll).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface LineChild {
  request(line: string): Promise<string>;
  stop(): Promise<void>;
}

export function startLineChild(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): LineChild {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (b: Buffer) => {
    stderr = (stderr + b.toString("utf8")).slice(-20_000);
  });
  const waiting: { resolve(line: string): void; reject(e: Error): void }[] = [];
  let exited: Error | undefined;
  createInterface({ input: child.stdout! }).on("line", (line) => waiting.shift()?.resolve(line));
  const gone = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exited = new Error(`${args.join(" ")} exited (${signal ?? code}):\n${stderr}`);
      for (const w of waiting.splice(0)) w.reject(exited);
      resolve();
    }),
  );
  return {
    request(line) {
      if (exited) return Promise.reject(exited);
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin!.write(`${line.replace(/\n/g, " ")}\n`);
      });
    },
    async stop() {
      if (!exited) {
        child.stdin!.end();
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await gone;
        clearTimeout(timer);
        child.stdout!.destroy();
        child.stderr!.destroy();
      }
    },
  };
}
