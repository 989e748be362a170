import { msg } from "../messages.js";

/**
 * Where JSON text stops being valid. V8's JSON.parse messages do not always give a position
 * (Node 20: `Unexpected token 'o', "..." is not valid JSON`), so on failure the text is scanned
 * once more by this small validator to find the offset of the first bad character.
 * Returns -1 when the text is valid, `text.length` when it ends too early.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r"))
      i++;
  };
  class Stop extends Error {}
  const fail = (): never => {
    throw new Stop();
  };
  const lit = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else {
      for (let k = 0; k < word.length && i < n && text[i] === word[k]; k++) i++;
      fail();
    }
  };
  const str = (): void => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail();
      if (c === 0x5c) {
        i++;
        const e = text[i];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else fail();
      } else i++;
    }
  };
  const num = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === "" || m[0] === "-") fail();
    i += (m as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        str();
        ws();
        if (text[i] !== ":") fail();
        i++;
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else fail();
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else fail();
      }
    } else if (c === '"') str();
    else if (c === "t") lit("true");
    else if (c === "f") lit("false");
    else if (c === "n") lit("null");
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) num();
    else fail();
  };
  try {
    value();
    ws();
    return i === n ? -1 : i;
  } catch (e) {
    if (e instanceof Stop) return Math.min(i, n);
    throw e;
  }
}

export interface JsonProblem {
  line: number;
  column: number;
  /** the text ends before the document is complete */
  truncated: boolean;
  /** the characters where parsing stopped */
  found: string;
}

/** Locates the first problem in invalid JSON text. */
export function jsonProblem(text: string): JsonProblem {
  const at = jsonErrorOffset(text);
  const pos = at < 0 ? text.length : at;
  const before = text.slice(0, pos);
  return {
    line: before.split("\n").length,
    column: pos - before.lastIndexOf("\n"),
    truncated: pos >= text.trimEnd().length,
    found: text.slice(pos, pos + 12),
  };
}

/** A JSON document file that does not parse: where, and why. */
export function jsonFileError(text: string): { where: string; reason: string } {
  const p = jsonProblem(text);
  if (p.truncated) return { where: `line ${p.line}`, reason: msg.truncatedJson() };
  return {
    where: `line ${p.line}, column ${p.column}`,
    reason: msg.invalidJson(`unexpected ${JSON.stringify(p.found)}`),
  };
}
