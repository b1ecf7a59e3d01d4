import { existsSync } from "node:fs";
import { tempDir } from "../../test/helpers/temp";
import { removeFolderStep, withCleanup } from "./cleanup";

describe("withCleanup", () => {
  it("runs every step, last added first, and returns the body's result", async () => {
    const ran: string[] = [];
    const result = await withCleanup(async (add) => {
      add(() => ran.push("folder"));
      add(async () => ran.push("servers"));
      return 42;
    });
    expect(result).toBe(42);
    expect(ran).toEqual(["servers", "folder"]);
  });

  it("runs the other steps when one fails, and rethrows the body's error over a step's", async () => {
    const ran: string[] = [];
    await expect(
      withCleanup(async (add) => {
        add(() => ran.push("folder"));
        add(() => Promise.reject(new Error("demo API did not stop")));
        add(() => ran.push("servers"));
        throw new Error("HTTP 500 from the source");
      }),
    ).rejects.toThrow("HTTP 500 from the source");
    expect(ran).toEqual(["servers", "folder"]);
  });

  it("rethrows a failing step's error when the body passed", async () => {
    const ran: string[] = [];
    await expect(
      withCleanup(async (add) => {
        add(() => ran.push("folder"));
        add(() => {
          throw new Error("server did not close");
        });
      }),
    ).rejects.toThrow("server did not close");
    expect(ran).toEqual(["folder"]);
  });

  it("runs the steps on SIGTERM and SIGINT, then exits 143 or 130", async () => {
    const exit = jest.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    try {
      for (const [signal, code] of [
        ["SIGTERM", 143],
        ["SIGINT", 130],
      ] as const) {
        const ran: string[] = [];
        let started!: () => void;
        const body = new Promise<void>((r) => (started = r));
        let finish!: () => void;
        const run = withCleanup(async (add) => {
          add(() => ran.push("folder"));
          started();
          await new Promise<void>((r) => (finish = r));
        });
        await body;
        process.emit(signal, signal);
        await new Promise((r) => setImmediate(r));
        expect(ran).toEqual(["folder"]);
        expect(exit).toHaveBeenLastCalledWith(code);
        finish();
        await run;
        // Each step runs once, and the handlers are gone after the run.
        expect(ran).toEqual(["folder"]);
        expect(process.listeners(signal)).toHaveLength(0);
      }
    } finally {
      exit.mockRestore();
    }
  });
});

describe("removeFolderStep", () => {
  it("removes the folder, or with --keep leaves it and says where", () => {
    const gone = tempDir("cleanup-");
    removeFolderStep(gone, false, "the files")();
    expect(existsSync(gone)).toBe(false);

    const kept = tempDir("cleanup-");
    const lines: string[] = [];
    removeFolderStep(kept, true, "the local bucket's files", (l) => lines.push(l))();
    expect(existsSync(kept)).toBe(true);
    expect(lines).toEqual([`\nkept the local bucket's files (--keep) under ${kept}`]);
  });
});
