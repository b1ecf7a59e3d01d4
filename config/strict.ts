/**
 * Unknown-key detection for any zod schema: walks the raw input beside the schema and reports every
 * key the schema does not declare, with "did you mean" for near misses. zod objects strip unknown
 * keys silently (`natGateway: "per-az"` would vanish and prod would get one NAT gateway); this walk
 * makes every object of the configuration strict without rewriting the schemas (the ingestion
 * settings schema is shared with the Lambda, which must keep accepting DynamoDB's own attributes).
 */
import type { z } from "zod";
import { didYouMean } from "../lib/suggest";

export type PathSegment = string | number;

export interface UnknownKey {
  path: PathSegment[];
  message: string;
}

// biome-ignore lint/suspicious/noExplicitAny: zod's internal definition is untyped across kinds.
type Def = any;
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Object shapes a value could be checked against (unwrapping optional/default/pipe/union …). */
function objectShapes(schema: z.ZodType, value: unknown): Array<Record<string, z.ZodType>> {
  const def = defOf(schema);
  switch (def.type) {
    case "object":
      return [def.shape];
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "nonoptional":
    case "readonly":
    case "catch":
      return objectShapes(def.innerType, value);
    case "pipe":
      return objectShapes(def.in, value);
    case "lazy":
      return objectShapes(def.getter(), value);
    case "union": {
      if (def.discriminator && isPlainObject(value)) {
        const tag = value[def.discriminator];
        const match = (def.options as z.ZodType[]).filter((o) => {
          const shape = objectShapes(o, value)[0];
          const values = (shape?.[def.discriminator] as unknown as { _zod: { values?: Set<unknown> } })?._zod
            ?.values;
          return values?.has(tag);
        });
        // No option matches the tag: zod reports the tag itself; unknown keys would only add noise.
        return match.flatMap((o) => objectShapes(o, value));
      }
      return (def.options as z.ZodType[]).flatMap((o) => objectShapes(o, value));
    }
    default:
      return [];
  }
}

function unwrap(schema: z.ZodType): Def {
  let def = defOf(schema);
  while (
    ["optional", "nullable", "default", "prefault", "nonoptional", "readonly", "catch"].includes(def.type)
  ) {
    def = defOf(def.innerType);
  }
  if (def.type === "pipe") return unwrap(def.in);
  if (def.type === "lazy") return unwrap(def.getter());
  return def;
}

/** Every key of `value` (recursively) that `schema` does not declare. */
export function unknownKeys(schema: z.ZodType, value: unknown, path: PathSegment[] = []): UnknownKey[] {
  const def = unwrap(schema);
  if (def.type === "array" && Array.isArray(value)) {
    return value.flatMap((v, i) => unknownKeys(def.element, v, [...path, i]));
  }
  if (def.type === "record" && isPlainObject(value)) {
    return Object.entries(value).flatMap(([k, v]) => unknownKeys(def.valueType, v, [...path, k]));
  }
  if (!isPlainObject(value)) return [];
  const shapes = objectShapes(schema, value);
  if (shapes.length === 0) return [];
  // For a plain union, judge against the option that fits best (fewest unknown keys).
  let best: UnknownKey[] | undefined;
  for (const shape of shapes) {
    const found: UnknownKey[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (!(k in shape)) {
        if (v === undefined) continue; // `{ ...x, key: undefined }` is the same as absent
        found.push({ path: [...path, k], message: `unknown key${didYouMean(k, Object.keys(shape))}` });
      } else {
        found.push(...unknownKeys(shape[k], v, [...path, k]));
      }
    }
    if (best === undefined || found.length < best.length) best = found;
    if (found.length === 0) break;
  }
  return best ?? [];
}
