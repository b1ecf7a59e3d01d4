/** Run ids: sortable by start time, unique enough for concurrent starts (`20261128T215000Z-1a2b3c4d`). */
import { randomBytes } from "node:crypto";

export function newRunId(now: number): string {
  return `${new Date(now)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}-${randomBytes(4).toString("hex")}`;
}
