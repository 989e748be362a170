import { XMLParser, XMLValidator } from "fast-xml-parser";
import { InputFileError } from "../util/errors.js";
import { msg } from "../messages.js";

export type XmlNode = Record<string, unknown>;

const ARRAYS = new Set([
  "entry",
  "author",
  "category",
  "link",
  "record",
  "version",
  "title",
  "creator",
  "description",
  "date",
  "identifier",
  "subject",
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  textNodeName: "#text",
  isArray: (name) => ARRAYS.has(name),
});

/** Validates, then parses XML; a syntax error names the file, line and column. */
export function parseXml(file: string, text: string): XmlNode {
  const v = XMLValidator.validate(text);
  if (v !== true) {
    throw new InputFileError(
      file,
      `line ${v.err.line}, column ${v.err.col}`,
      msg.invalidXml(v.err.msg),
    );
  }
  return parser.parse(text) as XmlNode;
}

export const asNode = (v: unknown): XmlNode | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as XmlNode) : undefined;

export const asList = (v: unknown): unknown[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** Text content of an element that may carry attributes. */
export function text(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return text(v[0]);
  const n = asNode(v);
  if (n && typeof n["#text"] === "string") return n["#text"];
  return undefined;
}

export function attr(v: unknown, name: string): string | undefined {
  const n = asNode(v);
  const a = n?.[`@${name}`];
  return typeof a === "string" ? a : undefined;
}
