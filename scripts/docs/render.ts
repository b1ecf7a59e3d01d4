/** Markdown (GitHub renders the Mermaid blocks) and one self-contained HTML file of a document. */
import { createHash } from "node:crypto";
import type { Block, DesignDocument, Section } from "./model";

const mdCell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, "<br>");

function mdBlock(b: Block): string {
  switch (b.kind) {
    case "p":
      return b.text;
    case "h3":
      return `### ${b.text}`;
    case "list":
      return b.items.map((i) => `- ${i}`).join("\n");
    case "table":
      return [
        `| ${b.head.map(mdCell).join(" | ")} |`,
        `|${b.head.map(() => "---").join("|")}|`,
        ...b.rows.map((r) => `| ${r.map(mdCell).join(" | ")} |`),
      ].join("\n");
    case "code":
      return `\`\`\`${b.lang}\n${b.code}\n\`\`\``;
    case "mermaid":
      return `\`\`\`mermaid\n${b.code}\n\`\`\``;
  }
}

export function sectionMarkdown(s: Section): string {
  return [`## ${s.title}`, ...s.blocks.map(mdBlock)].join("\n\n");
}

export function toMarkdown(doc: DesignDocument): string {
  const toc = doc.sections.map((s) => `- [${s.title}](#${s.id})`).join("\n");
  return `${[
    `# ${doc.title}`,
    doc.subtitle,
    toc,
    ...doc.sections.map((s) => `<a id="${s.id}"></a>\n\n${sectionMarkdown(s)}`),
  ].join("\n\n")}\n`;
}

/** sha256 of each section's Markdown: what `docs:diff` compares between two versions. */
export function sectionHashes(doc: DesignDocument): Record<string, { title: string; sha256: string }> {
  const out: Record<string, { title: string; sha256: string }> = {};
  for (const s of doc.sections) {
    out[s.id] = { title: s.title, sha256: createHash("sha256").update(sectionMarkdown(s)).digest("hex") };
  }
  return out;
}

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Inline Markdown of our own cells: `code`, <br>, **bold**; everything else escaped. */
function inline(s: string): string {
  return s
    .split("<br>")
    .map((part) =>
      esc(part)
        .replace(/`([^`]+)`/g, "<code>$1</code>")
        .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>"),
    )
    .join("<br>");
}

function htmlBlock(b: Block): string {
  switch (b.kind) {
    case "p":
      return `<p>${inline(b.text)}</p>`;
    case "h3":
      return `<h3>${inline(b.text)}</h3>`;
    case "list":
      return `<ul>${b.items.map((i) => `<li>${inline(i)}</li>`).join("")}</ul>`;
    case "table":
      return `<div class="scroll"><table><thead><tr>${b.head.map((h) => `<th>${inline(h)}</th>`).join("")}</tr></thead><tbody>${b.rows
        .map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join("")}</tr>`)
        .join("")}</tbody></table></div>`;
    case "code":
      return `<pre><code class="language-${esc(b.lang)}">${esc(b.code)}</code></pre>`;
    case "mermaid":
      return `<pre class="mermaid">${esc(b.code)}</pre>`;
  }
}

const CSS = `body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1f2328;line-height:1.5}
h1{border-bottom:2px solid #d0d7de}h2{border-bottom:1px solid #d0d7de;margin-top:2.5rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;vertical-align:top;text-align:left}
th{background:#f6f8fa}.scroll{overflow-x:auto}code{background:#f6f8fa;padding:0 .2rem;border-radius:3px;font-size:.85em;word-break:break-all}
pre{background:#f6f8fa;padding:.75rem;overflow-x:auto}pre.mermaid{background:none;text-align:center}nav li{list-style:none}`;

/**
 * One file that opens anywhere without a network: styles and the Mermaid library are inlined
 * (`mermaidJs` is the content of mermaid's UMD build).
 */
export function toHtml(doc: DesignDocument, mermaidJs: string): string {
  const body = doc.sections
    .map(
      (s) =>
        `<section id="${s.id}"><h2>${inline(s.title)}</h2>${s.blocks.map(htmlBlock).join("\n")}</section>`,
    )
    .join("\n");
  const safeJs = mermaidJs.replace(/<\/script/gi, "<\\/script");
  return `<!doctype html>
<html lang="${doc.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(doc.title)}</title><style>${CSS}</style></head>
<body><h1>${esc(doc.title)}</h1><p>${inline(doc.subtitle)}</p>
<nav><ul>${doc.sections.map((s) => `<li><a href="#${s.id}">${inline(s.title)}</a></li>`).join("")}</ul></nav>
${body}
<script>${safeJs}</script>
<script>mermaid.initialize({startOnLoad:false,securityLevel:"strict",theme:"default"});
mermaid.run({querySelector:"pre.mermaid"}).then(function(){document.body.setAttribute("data-mermaid","done")},function(e){document.body.setAttribute("data-mermaid","error: "+e)});</script>
</body></html>
`;
}
