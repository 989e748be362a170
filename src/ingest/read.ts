import { createReadStream } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import { createGunzip, gunzipSync } from "node:zlib";
import { InputFileError } from "../util/errors.js";
import { msg } from "../messages.js";
import type { Progress } from "../util/progress.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

function isGzipMagic(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

function ioReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === "ENOENT") return msg.notFound();
  if (err.code === "EISDIR") return "is a directory";
  if (err.code === "EACCES") return "permission denied";
  return err.message ?? String(e);
}

export async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (e) {
    throw new InputFileError(file, undefined, msg.cannotRead(ioReason(e)));
  }
}

/** Byte offset of the first invalid UTF-8 sequence, or -1 when the bytes are valid. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [n, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    if (i + n >= b.length) return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

function lineOfOffset(b: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < b.length; i++) if (b[i] === 0x0a) line++;
  return line;
}

function decodeWhole(file: string, bytes: Uint8Array): string {
  try {
    const text = utf8.decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    const at = Math.max(0, firstInvalidUtf8(bytes));
    throw new InputFileError(
      file,
      `line ${lineOfOffset(bytes, at)} (byte ${at})`,
      msg.invalidUtf8(),
    );
  }
}

/** Reads a whole file (gzip-compressed or not) as UTF-8 text. */
export async function readText(file: string, progress: Progress): Promise<string> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (e) {
    throw new InputFileError(file, undefined, msg.cannotRead(ioReason(e)));
  }
  progress.advance(raw.length);
  if (isGzipMagic(raw)) {
    try {
      raw = gunzipSync(raw);
    } catch (e) {
      throw new InputFileError(file, undefined, msg.truncatedGzip((e as Error).message));
    }
  }
  return decodeWhole(file, raw);
}

/** The first `n` bytes of a file's content (decompressed when gzip), as text for detection. */
export async function readHead(file: string, n = 64 * 1024): Promise<string> {
  let head: Buffer;
  try {
    const h = await open(file, "r");
    try {
      const buf = Buffer.alloc(n);
      const { bytesRead } = await h.read(buf, 0, n, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await h.close();
    }
  } catch (e) {
    throw new InputFileError(file, undefined, msg.cannotRead(ioReason(e)));
  }
  if (isGzipMagic(head)) {
    const chunks: Buffer[] = [];
    let got = 0;
    const stream = createReadStream(file).pipe(createGunzip());
    try {
      for await (const c of stream as AsyncIterable<Buffer>) {
        chunks.push(c);
        got += c.length;
        if (got >= n) break;
      }
    } catch {
      // a truncated archive is reported by the full read; the head is enough to detect
    } finally {
      stream.destroy();
    }
    head = Buffer.concat(chunks).subarray(0, n);
  }
  // cut at the last complete line so a multi-byte character is never split
  const cut = head.length === n ? head.lastIndexOf(0x0a) : head.length;
  return new TextDecoder("utf-8").decode(head.subarray(0, cut > 0 ? cut : head.length));
}

/**
 * Bytes read (and decompressed) at a time: below malloc's mapping threshold (see MALLOC_ENV),
 * so each chunk's memory is reused, not faulted in afresh. Smaller chunks cost more round
 * trips to zlib's thread: with 120 kB chunks reading the 143k file took 1.63 s against
 * 1.25-1.37 s.
 */
export const READ_CHUNK_BYTES = 1 << 20;

export interface Line {
  text: string;
  /** 1-based line number */
  no: number;
  /** true when the file ends without a newline after this line */
  unterminated: boolean;
}

/**
 * Streams a file's lines (gzip or plain) with bounded memory. Each line is decoded as UTF-8 on
 * its own, so an invalid byte is reported with its line number.
 */
export async function* readLines(
  file: string,
  progress: Progress,
  chunkBytes = READ_CHUNK_BYTES,
): AsyncGenerator<Line> {
  const head = Buffer.alloc(2);
  try {
    const h = await open(file, "r");
    try {
      await h.read(head, 0, 2, 0);
    } finally {
      await h.close();
    }
  } catch (e) {
    throw new InputFileError(file, undefined, msg.cannotRead(ioReason(e)));
  }
  const raw = createReadStream(file, { highWaterMark: chunkBytes });
  raw.on("data", (c) => progress.advance(c.length));
  const gz = isGzipMagic(head);
  const source = gz ? raw.pipe(createGunzip({ chunkSize: chunkBytes })) : raw;
  if (gz) raw.on("error", (e) => source.destroy(e));
  /** the current line's bytes from earlier chunks (copies: a chunk is not kept) */
  let parts: Buffer[] = [];
  let no = 0;
  const decodeLine = (b: Buffer): string => {
    try {
      const s = utf8.decode(b);
      return no === 1 && s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
    } catch {
      const at = Math.max(0, firstInvalidUtf8(b));
      throw new InputFileError(file, `line ${no}, column ${at + 1}`, msg.invalidUtf8());
    }
  };
  /** The line in b[start, end), without the CR of a CRLF ending. */
  const lineOf = (b: Buffer, start: number, end: number): string =>
    decodeLine(b.subarray(start, end > start && b[end - 1] === 0x0d ? end - 1 : end));
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      let start = 0;
      let nl = chunk.indexOf(0x0a);
      if (parts.length && nl !== -1) {
        // a line begun in an earlier chunk: only its own bytes are joined (joining the rest
        // to each whole next chunk cost a fresh megabyte a chunk: on the 143k file 125k page
        // faults and 0.5 s of system time, now 74k and 0.3 s)
        parts.push(chunk.subarray(0, nl));
        const line = Buffer.concat(parts);
        parts = [];
        no++;
        yield { text: lineOf(line, 0, line.length), no, unterminated: false };
        start = nl + 1;
        nl = chunk.indexOf(0x0a, start);
      }
      while (nl !== -1) {
        no++;
        yield { text: lineOf(chunk, start, nl), no, unterminated: false };
        start = nl + 1;
        nl = chunk.indexOf(0x0a, start);
      }
      if (start < chunk.length) parts.push(Buffer.from(chunk.subarray(start)));
    }
  } catch (e) {
    if (e instanceof InputFileError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (
      gz &&
      (err.code === "Z_BUF_ERROR" ||
        err.code === "Z_DATA_ERROR" ||
        /unexpected end/i.test(err.message))
    ) {
      throw new InputFileError(file, `after line ${no}`, msg.truncatedGzip(err.message));
    }
    throw new InputFileError(file, undefined, msg.cannotRead(ioReason(e)));
  } finally {
    raw.destroy();
  }
  if (parts.length) {
    no++;
    yield { text: decodeLine(Buffer.concat(parts)), no, unterminated: true };
  }
}
