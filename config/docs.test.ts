import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { CONFIG_TABLES, fieldRows, renderReadme, renderTable } from "./docs";
import { FIELD_DOCS } from "./field-docs";

describe("README configuration tables", () => {
  it("documents every field of every configuration schema", () => {
    const undocumented = CONFIG_TABLES.flatMap((t) =>
      fieldRows(t.schema, FIELD_DOCS[t.id])
        .filter((r) => !r.description)
        .map((r) => `${t.id}: ${r.field}`),
    );
    expect(undocumented).toEqual([]);
  });

  it("describes no field that does not exist (a renamed field leaves no stale text)", () => {
    const stale = CONFIG_TABLES.flatMap((t) => {
      const fields = new Set(fieldRows(t.schema).map((r) => r.field));
      return Object.keys(FIELD_DOCS[t.id] ?? {})
        .filter((k) => !fields.has(k))
        .map((k) => `${t.id}: ${k}`);
    });
    expect(stale).toEqual([]);
  });

  it("matches the README (run npm run docs:config after changing a schema)", () => {
    const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
    const { text, missingMarkers } = renderReadme(readme);
    expect(missingMarkers).toEqual([]);
    expect(text === readme).toBe(true);
  });

  it("finds an undocumented field, nested, in arrays, maps and union variants, with type and default", () => {
    const schema = z.object({
      name: z.string().describe("The name"),
      size: z.number().int().min(1).default(3),
      tags: z.array(z.object({ key: z.string() })).optional(),
      by: z.record(z.string(), z.object({ on: z.boolean() })),
      mode: z.discriminatedUnion("type", [
        z.object({ type: z.literal("a"), x: z.enum(["p", "q"]) }),
        z.object({ type: z.literal("b") }),
      ]),
    });
    expect(fieldRows(schema, { tags: "Tags" })).toEqual([
      { field: "name", type: "string", default: "required", description: "The name" },
      { field: "size", type: "integer", default: "3", description: undefined },
      { field: "tags", type: "object[]", default: "optional", description: "Tags" },
      { field: "tags[].key", type: "string", default: "required", description: undefined },
      { field: "by", type: "map of object", default: "required", description: undefined },
      { field: "by.<id>.on", type: "boolean", default: "required", description: undefined },
      { field: "mode", type: "object (by type)", default: "required", description: undefined },
      { field: "mode[type=a].x", type: '"p" \\| "q"', default: "required", description: undefined },
    ]);
    expect(renderTable({ id: "t", file: "config/t.ts", schema })).toContain(
      "| `size` | integer | `3` | **undocumented** |",
    );
  });
});
