/**
 * Generated blocks of README.md (config field tables, stack outputs): what stands between two
 * marker lines is replaced by the generated text, the markers kept.
 */

/** `text` with the part between `start` and `end` replaced by `body`; undefined when a marker is missing. */
export function replaceBetween(text: string, start: string, end: string, body: string): string | undefined {
  const from = text.indexOf(start);
  const to = from < 0 ? -1 : text.indexOf(end, from + start.length);
  if (to < 0) return undefined;
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}
