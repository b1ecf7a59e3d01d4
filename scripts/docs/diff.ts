/**
 * Which sections of the design document changed between two `sections.json` files: the one line the
 * PR plan comment carries (section names only).
 */
export type SectionHashes = Record<string, { title: string; sha256: string }>;

export function changedSections(base: SectionHashes, head: SectionHashes): string[] {
  const ids = [...new Set([...Object.keys(head), ...Object.keys(base)])];
  return ids.filter((id) => base[id]?.sha256 !== head[id]?.sha256).map((id) => (head[id] ?? base[id]).title);
}

export function designChangeLine(env: string, base: SectionHashes, head: SectionHashes): string {
  const changed = changedSections(base, head);
  return changed.length
    ? `**Design document (${env})**: sections changed: ${changed.join(", ")}`
    : `**Design document (${env})**: no section changed`;
}
