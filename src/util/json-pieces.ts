/** Elements of a long array stringified at a time by `jsonPieces`. */
export const JSON_SLICE = 1 << 14;

/** Whether JSON.stringify leaves this out of an object (and writes null for it in an array). */
function omitted(v: unknown): boolean {
  return v === undefined || typeof v === "function" || typeof v === "symbol";
}

/**
 * An array or plain object, which jsonPieces walks into; anything else (typed arrays, dates,
 * boxed values, objects of classes) goes to JSON.stringify whole.
 */
function walked(v: unknown): v is object {
  if (Array.isArray(v)) return true;
  if (v === null || typeof v !== "object") return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return (
    (proto === Object.prototype || proto === null) &&
    typeof (v as { toJSON?: unknown }).toJSON !== "function"
  );
}

/** Numbers whose JSON text jsonPieces keeps for reuse, at most. */
const NUMBER_TEXTS = 1 << 16;

/** Whether every element is a finite number (a loop: `every` would pass over holes). */
function finiteNumbers(part: readonly unknown[]): part is number[] {
  for (let i = 0; i < part.length; i++) {
    const v = part[i];
    if (typeof v !== "number" || !Number.isFinite(v)) return false;
  }
  return true;
}

/**
 * Finite numbers' JSON text, joined by commas. Each number's text (String gives JSON's) is
 * looked up in `texts` first: a model's idf weights repeat (one per document frequency, a few
 * thousand in hundreds of thousands of weights), and formatting a double is the slow part of
 * writing them. At most NUMBER_TEXTS are kept (numbers that never repeat must not fill memory).
 */
function numbersText(part: readonly number[], texts: Map<number, string>): string {
  const out = new Array<string>(part.length);
  for (let i = 0; i < part.length; i++) {
    const v = part[i] as number;
    let s = texts.get(v);
    if (s === undefined) {
      s = String(v);
      if (texts.size < NUMBER_TEXTS) texts.set(v, s);
    }
    out[i] = s;
  }
  return out.join(",");
}

/**
 * JSON.stringify(value) (no indentation) in pieces: objects and arrays are walked, and arrays
 * of plain values are stringified `slice` elements at a time. Joined, the pieces are exactly
 * JSON.stringify's text, but neither that text nor a piece of more than `slice` elements is
 * ever built: at 1M papers model.json holds a vocabulary of millions of strings and their
 * document frequencies and weights, whose text in one string (and the garbage of building it)
 * put the report stage's heap at 1.5 GB. Like JSON.stringify, members that are undefined,
 * functions or symbols are left out of objects and written as null in arrays.
 */
export function* jsonPieces(value: unknown, slice = JSON_SLICE): Generator<string> {
  yield* piecesOf(value, slice, new Map<number, string>());
}

/** jsonPieces' walk, with its store of numbers' texts (see numbersText). */
function* piecesOf(
  value: unknown,
  slice: number,
  numberTexts: Map<number, string>,
): Generator<string> {
  if (!walked(value)) {
    // undefined at the top: JSON.stringify gives no text, and neither do the pieces
    const s = JSON.stringify(value) as string | undefined;
    if (s !== undefined) yield s;
    return;
  }
  if (Array.isArray(value)) {
    yield "[";
    for (let a = 0; a < value.length; a += slice) {
      const part: unknown[] = value.slice(a, a + slice);
      if (part.some(walked)) {
        for (let i = 0; i < part.length; i++) {
          if (a + i > 0) yield ",";
          const v = part[i];
          if (omitted(v)) yield "null";
          else yield* piecesOf(v, slice, numberTexts);
        }
      } else if (finiteNumbers(part)) {
        yield (a > 0 ? "," : "") + numbersText(part, numberTexts);
      } else {
        const s = JSON.stringify(part);
        yield (a > 0 ? "," : "") + s.slice(1, -1);
      }
    }
    yield "]";
    return;
  }
  let first = true;
  yield "{";
  for (const [k, v] of Object.entries(value)) {
    if (omitted(v)) continue;
    yield `${first ? "" : ","}${JSON.stringify(k)}:`;
    first = false;
    yield* piecesOf(v, slice, numberTexts);
  }
  yield "}";
}
