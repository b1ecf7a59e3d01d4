/** The design document as data: sections of blocks, rendered to Markdown and to HTML. */

export type Block =
  | { kind: "p"; text: string }
  | { kind: "h3"; text: string }
  | { kind: "list"; items: string[] }
  | { kind: "table"; head: string[]; rows: string[][] }
  | { kind: "code"; lang: string; code: string }
  | { kind: "mermaid"; code: string };

export interface Section {
  /** Stable id (`batches`), used for anchors and for "which sections changed". */
  id: string;
  title: string;
  blocks: Block[];
}

export interface DesignDocument {
  title: string;
  subtitle: string;
  lang: "ja" | "en";
  sections: Section[];
}

/** A table, or the sentence that says there is nothing to list (never an empty table). */
export function tableOr(head: string[], rows: string[][], none: string): Block {
  return rows.length ? { kind: "table", head, rows } : { kind: "p", text: none };
}
