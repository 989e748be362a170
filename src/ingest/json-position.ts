import { msg } from "../messages.js";

/** Turns a JSON.parse error into "line L, column C" and a reason, where V8 says a position. */
export function jsonErrorWhere(
  text: string,
  e: unknown,
): { where: string | undefined; reason: string } {
  const message = (e as Error).message ?? String(e);
  if (
    /Unexpected end of JSON input|Unterminated string/i.test(message) &&
    !/position/.test(message)
  ) {
    const lines = text.split("\n");
    return { where: `line ${lines.length}`, reason: msg.truncatedJson() };
  }
  const m = /position (\d+)/.exec(message);
  if (!m) return { where: undefined, reason: msg.invalidJson(message) };
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const col = pos - before.lastIndexOf("\n");
  const short = message
    .replace(/\s*in JSON at position \d+.*$/s, "")
    .replace(/,\s*".*" is not valid JSON$/s, "");
  if (pos >= text.trimEnd().length) return { where: `line ${line}`, reason: msg.truncatedJson() };
  return { where: `line ${line}, column ${col}`, reason: msg.invalidJson(short) };
}
