// XML bodies from upstreams, into the namespace-resolved XmlElement tree.
//
// Hostile input is handled in layers: a DOCTYPE is refused outright (no DTD
// means no entity expansion and no external entities), the validator proves
// well-formedness (the parser itself ignores mismatched closing tags), the
// parser runs with entity processing off and with depth and element limits, and
// entities are decoded here, where only the five predefined ones and numeric
// character references exist. Nothing recurses over the document.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { XmlElement } from '../types.ts';
import { badResponse } from './badResponse.ts';
import { EntityError, decodeEntities } from './xmlEntities.ts';

/** Elements nested deeper than this (the root is level 1) are refused. */
export const MAX_XML_DEPTH = 64;
/** Documents with more elements than this are refused. */
export const MAX_XML_ELEMENTS = 100_000;

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

// Every tag and attribute name the parser hands back carries this prefix, which
// no XML name can start with: names can then never collide with the parser's
// own keys below, nor trip its reserved-name checks (`<constructor>` is legal XML).
const NAME = '~';
const TEXT = '#text';
const CDATA = '#cdata';
const ATTRIBUTES = ':@';
/** Where `captureMetaData` puts a node's offsets. */
const METADATA = XMLParser.getMetaDataSymbol() as unknown as symbol;

/** One node of fast-xml-parser's `preserveOrder` output. */
type OrderedNode = Record<string | symbol, unknown>;

/** In-scope namespace declarations: prefix ('' for the default namespace) → URI, chained to the parent's. */
interface Scope {
  parent: Scope | null;
  bindings: Map<string, string>;
}

/** An element whose children are still to be converted. */
interface Pending {
  element: XmlElement;
  content: OrderedNode[];
  scope: Scope;
  depth: number;
}

class ElementLimitExceeded extends Error {}

/** Parses `text` (already UTF-8 decoded) into its root element or throws UPSTREAM_BAD_RESPONSE. */
export function decodeXml(text: string, source: string): XmlElement {
  if (/<!DOCTYPE/i.test(text)) throw badResponse(source, 'XML with a DOCTYPE; DTDs and entities are refused');
  const encoding = /^<\?xml[^>]*\bencoding\s*=\s*["']([^"']*)["']/.exec(text)?.[1];
  if (encoding !== undefined && !/^(?:utf-8|us-ascii)$/i.test(encoding)) {
    throw badResponse(source, `XML declared as ${encoding.slice(0, 40)}; only UTF-8 is supported`);
  }
  const validation = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    const where = col === undefined ? `line ${line}` : `line ${line}, column ${col}`;
    // The validator's message quotes names from the document, unbounded (every unclosed tag, for one).
    throw badResponse(source, `malformed XML: ${clip(msg, 120)} (${where})`);
  }
  const roots = parse(text, source).filter((node) => tagOf(node) !== undefined);
  if (roots.length !== 1) throw badResponse(source, 'malformed XML: expected exactly one root element');
  const end = (roots[0]![METADATA] as { endIndex?: number } | undefined)?.endIndex;
  if (end === undefined || !onlyMiscellany(text, end)) {
    throw badResponse(source, 'malformed XML: text after the root element');
  }
  return convert(roots[0]!, source);
}

// Whether text from `start` on holds only whitespace, comments and processing
// instructions (the validator misses text after a self-closing root).
function onlyMiscellany(text: string, start: number): boolean {
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
    else if (text.startsWith('<!--', i)) i = afterMarker(text, '-->', i + 4);
    else if (text.startsWith('<?', i)) i = afterMarker(text, '?>', i + 2);
    else return false;
  }
  return true;
}

function afterMarker(text: string, marker: string, from: number): number {
  const at = text.indexOf(marker, from);
  return at === -1 ? Infinity : at + marker.length;
}

// The parser's ordered node list; limits are enforced while it builds it.
function parse(text: string, source: string): OrderedNode[] {
  let elements = 0;
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: NAME,
    // Idempotent: the parser applies it twice to self-closing tags.
    transformTagName: (name) => (name.startsWith(NAME) ? name : NAME + name),
    allowBooleanAttributes: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    cdataPropName: CDATA,
    textNodeName: TEXT,
    removeNSPrefix: false,
    jPath: false,
    // Where each element ends, for the check that nothing but markup follows the root.
    captureMetaData: true,
    // The parser throws once it holds more than this many open ancestors.
    maxNestedTags: MAX_XML_DEPTH - 1,
    updateTag: (name) => {
      if (++elements > MAX_XML_ELEMENTS) throw new ElementLimitExceeded();
      return name;
    },
  });
  try {
    return parser.parse(text) as OrderedNode[];
  } catch (error) {
    if (error instanceof ElementLimitExceeded) throw tooManyElements(source, error);
    if (error instanceof Error && error.message === 'Maximum nested tags exceeded') throw tooDeep(source, error);
    throw badResponse(source, 'malformed XML', error);
  }
}

// Walks the tree with an explicit stack, not recursion. Children are created in
// document order when their parent is visited, so the stack's order does not matter.
function convert(rootNode: OrderedNode, source: string): XmlElement {
  const documentScope: Scope = { parent: null, bindings: new Map([['xml', XML_NAMESPACE]]) };
  const root = open(rootNode, documentScope, 1, source);
  const stack: Pending[] = [root];
  let elements = 1;
  while (stack.length > 0) {
    const { element, content, scope, depth } = stack.pop()!;
    let text = '';
    for (const node of content) {
      if (typeof node[TEXT] === 'string') {
        text += decodeValue(node[TEXT], source);
      } else if (Array.isArray(node[CDATA])) {
        for (const part of node[CDATA] as OrderedNode[]) if (typeof part[TEXT] === 'string') text += part[TEXT];
      } else if (tagOf(node) !== undefined) {
        if (depth >= MAX_XML_DEPTH) throw tooDeep(source);
        if (++elements > MAX_XML_ELEMENTS) throw tooManyElements(source);
        const child = open(node, scope, depth + 1, source);
        element.children.push(child.element);
        stack.push(child);
      }
    }
    element.text = text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  }
  return root.element;
}

// Creates the element for a parsed node: its namespace declarations apply to its
// own name and attributes as well as to its descendants.
function open(node: OrderedNode, parentScope: Scope, depth: number, source: string): Pending {
  const qualifiedName = tagOf(node)!;
  const rawAttributes = (node[ATTRIBUTES] ?? {}) as Record<string, unknown>;
  const declarations = new Map<string, string>();
  const plain: [string, string][] = [];
  for (const key of Object.keys(rawAttributes)) {
    const name = key.slice(NAME.length);
    const value = decodeValue(String(rawAttributes[key]), source);
    if (name === 'xmlns') {
      declarations.set('', value);
    } else if (name.startsWith('xmlns:')) {
      const prefix = name.slice('xmlns:'.length);
      if (value === '' || prefix === 'xmlns')
        throw badResponse(source, `XML with an invalid declaration ${clip(name, 60)}`);
      declarations.set(prefix, value);
    } else {
      plain.push([name, value]);
    }
  }
  const scope = declarations.size > 0 ? { parent: parentScope, bindings: declarations } : parentScope;
  const [prefix, name] = splitName(qualifiedName, source);
  const attributes: Record<string, string> = Object.create(null);
  for (const [qualified, value] of plain) {
    const [attributePrefix, local] = splitName(qualified, source);
    if (attributePrefix !== '') resolve(scope, attributePrefix, source);
    // Two attributes can share a local name (`id`, `x:id`): the first one wins.
    if (!Object.hasOwn(attributes, local)) attributes[local] = value;
  }
  const element: XmlElement = { name, ns: resolve(scope, prefix, source), attributes, children: [], text: '' };
  const content = (node[qualifiedName] ?? []) as OrderedNode[];
  return { element, content, scope, depth };
}

// The key holding a parsed node's element name and content (the one carrying the name prefix).
function tagOf(node: OrderedNode): string | undefined {
  for (const key of Object.keys(node)) if (key.startsWith(NAME)) return key;
  return undefined;
}

// `prefix:local` → [prefix, local]; `local` → ['', local]. Keys still carry the parser prefix.
function splitName(key: string, source: string): [string, string] {
  const qualified = key.startsWith(NAME) ? key.slice(NAME.length) : key;
  // Harmless here (names are data), but no real feed uses it: it is a probe.
  if (qualified === '__proto__' || qualified.endsWith(':__proto__'))
    throw badResponse(source, 'XML with the name __proto__, which is refused');
  const colon = qualified.indexOf(':');
  if (colon === -1) return ['', qualified];
  if (colon === 0 || colon === qualified.length - 1 || qualified.includes(':', colon + 1)) {
    throw badResponse(source, `malformed XML: the name ${qualified.slice(0, 60)} is not a valid qualified name`);
  }
  return [qualified.slice(0, colon), qualified.slice(colon + 1)];
}

// The URI a prefix stands for in `scope`; the default namespace may be absent ('').
function resolve(scope: Scope, prefix: string, source: string): string {
  for (let s: Scope | null = scope; s !== null; s = s.parent) {
    const uri = s.bindings.get(prefix);
    if (uri !== undefined) return uri;
  }
  if (prefix === '') return '';
  throw badResponse(source, `XML with the undeclared namespace prefix ${prefix.slice(0, 60)}`);
}

function decodeValue(raw: string, source: string): string {
  try {
    return decodeEntities(raw);
  } catch (error) {
    if (error instanceof EntityError) throw badResponse(source, `XML with ${error.message}`, error);
    throw error;
  }
}

// Upstream text in a client-facing message, cut to `max` characters.
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function tooDeep(source: string, cause?: unknown) {
  return badResponse(source, `XML nested deeper than ${MAX_XML_DEPTH} levels`, cause);
}

function tooManyElements(source: string, cause?: unknown) {
  return badResponse(source, `XML with more than ${MAX_XML_ELEMENTS} elements`, cause);
}
