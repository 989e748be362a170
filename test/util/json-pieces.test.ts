import { describe, expect, it } from "vitest";
import { jsonPieces } from "../../src/util/json-pieces.js";

const nullProto: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
nullProto.b = [1, 2, 3];
nullProto.a = "z";

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

// eslint-disable-next-line no-sparse-arrays -- a hole, which JSON.stringify writes as null
const holes = [1, , 3];

/** Values JSON.stringify treats in every way it has: each must come out the same in pieces. */
const values: unknown[] = [
  undefined,
  null,
  0,
  -0,
  NaN,
  Infinity,
  1e21,
  1.5e-7,
  0.1 + 0.2,
  true,
  "plain",
  'quote " backslash \\ newline \n tab \t nul \u0000 lone \ud800 pair 😀 é',
  [],
  {},
  [[]],
  [{}],
  holes,
  [undefined, () => 1, Symbol("s"), null, 2],
  { a: undefined, b: () => 1, c: Symbol("s"), d: 1 },
  { only: undefined },
  { "2": "numeric keys first", z: 1, "1": "in ascending order", a: [1, 2] },
  {
    date: new Date(Date.UTC(2025, 0, 2)),
    typed: new Float64Array([0.5, 1]),
    point: new Point(1, 2),
  },
  { boxed: [Object(1), Object("s"), Object(false)] },
  { custom: { toJSON: () => ["from", "toJSON"] } },
  { nested: { deeper: { list: Array.from({ length: 23 }, (_, i) => ({ i, s: `#${i}` })) } } },
  nullProto,
  {
    kind: "papertrends.model",
    tfidf: {
      vocabulary: Array.from({ length: 50 }, (_, i) => `term ${i} "q"`),
      df: Array.from({ length: 50 }, (_, i) => i * 3),
      idf: Array.from({ length: 50 }, (_, i) => Math.log(1 + 100 / (i + 1))),
    },
    centroids: [[0, 0.25], [], [1, 0.5, 2, 0.125]],
  },
  Array.from({ length: 40 }, (_, i) => (i % 7 === 0 ? { i } : i % 5 === 0 ? undefined : i)),
  // finite numbers only, repeated (their texts are reused): each still written as JSON does
  {
    a: Array.from(
      { length: 300 },
      (_, i) => [0, -0, 1e21, 1.5e-7, 5e-324, Number.MAX_VALUE, 0.1 + 0.2, -2.5, 7][i % 9],
    ),
    b: [7, 7.0, -0, 1e21, 0.30000000000000004],
  },
];

describe("jsonPieces", () => {
  it("joins to exactly JSON.stringify's text, whatever the slice size", () => {
    for (const v of values) {
      for (const slice of [1, 2, 3, 7, 16, 1 << 14]) {
        const joined = [...jsonPieces(v, slice)].join("");
        expect(joined, `${String(JSON.stringify(v))} in slices of ${slice}`).toBe(
          JSON.stringify(v) ?? "",
        );
      }
    }
  });

  it("never builds the text of more than a slice of a long array at once", () => {
    const vocabulary = Array.from({ length: 100_000 }, (_, i) => `term-${i}`);
    const model = { tfidf: { vocabulary, idf: vocabulary.map((_, i) => 1 + i / 7) } };
    const pieces = [...jsonPieces(model, 1000)];
    expect(pieces.join("")).toBe(JSON.stringify(model));
    // 1,000 numbers of up to 18 characters (or strings of 10, quoted) and their commas, of a
    // text of about 2.9M characters
    expect(JSON.stringify(model).length).toBeGreaterThan(2_500_000);
    const longest = Math.max(...pieces.map((p) => p.length));
    expect(longest).toBeLessThanOrEqual(19_000);
    expect(longest).toBeGreaterThan(10_000);
    expect(pieces.length).toBeGreaterThan(200);
  });
});
