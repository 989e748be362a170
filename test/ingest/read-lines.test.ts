import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readLines, type Line } from "../../src/ingest/read.js";
import { noProgress } from "../../src/util/progress.js";
import { tmpFile } from "../helpers.js";

async function linesOf(file: string, chunkBytes: number): Promise<Line[]> {
  const out: Line[] = [];
  for await (const l of readLines(file, noProgress, chunkBytes)) out.push(l);
  return out;
}

describe("readLines across chunk boundaries", () => {
  // long lines (many chunks each), CRLF and LF, empty lines, multi-byte characters that
  // chunks cut in two, and a last line without its newline
  const long = "é€𝒳 abc ".repeat(300);
  const body = ["first", "", long, "crlf\r", "\r", long + "x\r", "ü", long, "last"];
  const text = body.join("\n");
  const want = (unterminatedLast: boolean): Line[] =>
    body.map((t, i) => ({
      text: t.endsWith("\r") && t.length > 1 ? t.slice(0, -1) : t === "\r" ? "" : t,
      no: i + 1,
      unterminated: unterminatedLast && i === body.length - 1,
    }));

  it("gives every line whole, plain or gzip, whatever the chunk size", async () => {
    const plain = tmpFile("lines.txt", text);
    const gz = tmpFile("lines.txt.gz", gzipSync(Buffer.from(text)));
    const ended = tmpFile("ended.txt", text + "\n");
    for (const chunk of [64, 65, 97, 1000, 1 << 20]) {
      expect(await linesOf(plain, chunk)).toEqual(want(true));
      expect(await linesOf(gz, chunk)).toEqual(want(true));
      expect(await linesOf(ended, chunk)).toEqual(want(false));
    }
  });

  it("names the line of an invalid byte inside a line that spans chunks", async () => {
    const bytes = Buffer.concat([
      Buffer.from(`ok\n${"a".repeat(500)}`),
      Buffer.from([0xff]),
      Buffer.from(`${"b".repeat(500)}\nok\n`),
    ]);
    const file = tmpFile("bad.txt", bytes);
    await expect(linesOf(file, 64)).rejects.toThrow(/bad\.txt, line 2, column 501/);
  });
});
