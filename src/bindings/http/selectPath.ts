// Selection paths: `data.items`, `Cube.Cube.Cube`, `g:subject`, `@rate`.
// Parsed at startup for the source's format; walked per response. A walk
// returns every match, so repeated XML elements and JSON arrays both become
// lists without special syntax.
import type { SourceFormat, XmlElement } from '../../sources/http/types.ts';
import type { Path, PathStep } from './httpPlan.ts';

const name = /^[_A-Za-z][-._0-9A-Za-z]*$/;

/** Parses a path; throws an Error saying what is wrong. An empty text is the root itself. */
export function parsePath(text: string, format: SourceFormat, namespaces: Record<string, string> = {}): Path {
  if (text.trim() === '') return [];
  const segments = text.split('.');
  return segments.map((segment, i): PathStep => {
    if (format === 'json') {
      if (!/^[^\s]+$/.test(segment)) throw new Error(`"${text}" has an empty or blank segment`);
      if (segment.startsWith('@')) throw new Error(`"${segment}" in "${text}": JSON has no attributes`);
      return { kind: 'key', name: segment };
    }
    if (segment.startsWith('@')) {
      // Attributes are matched by local name: prefixed attributes are rare in feeds.
      const attribute = segment.slice(1).split(':').pop()!;
      if (!name.test(attribute)) throw new Error(`"${segment}" in "${text}" is not an attribute name`);
      if (i !== segments.length - 1) throw new Error(`"${text}": an attribute (${segment}) can only be the last step`);
      return { kind: 'attribute', name: attribute };
    }
    const [prefix, local] = segment.includes(':') ? segment.split(':', 2) : [undefined, segment];
    if (!local || !name.test(local)) throw new Error(`"${segment}" in "${text}" is not an element name`);
    if (prefix === undefined) return { kind: 'element', name: local };
    const ns = namespaces[prefix];
    if (ns === undefined)
      throw new Error(
        `"${segment}" in "${text}" uses the prefix "${prefix}", which the source's namespaces do not declare`,
      );
    return { kind: 'element', name: local, ns };
  });
}

export function isXmlElement(value: unknown): value is XmlElement {
  return typeof value === 'object' && value !== null && 'children' in value && 'attributes' in value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Own properties only: a response's `__proto__` or `constructor` key is data,
// and a missing key must not find Object.prototype's.
function keyOf(value: unknown, key: string): unknown[] {
  if (Array.isArray(value)) {
    if (/^\d+$/.test(key)) return Number(key) < value.length ? [value[Number(key)]] : [];
    return value.flatMap((item) => (isRecord(item) && Object.hasOwn(item, key) ? [item[key]] : []));
  }
  return isRecord(value) && Object.hasOwn(value, key) ? [value[key]] : [];
}

function step(node: unknown, s: PathStep): unknown[] {
  switch (s.kind) {
    case 'key':
      return keyOf(node, s.name);
    case 'element':
      if (!isXmlElement(node)) return [];
      return node.children.filter((c) => c.name === s.name && (s.ns === undefined || c.ns === s.ns));
    case 'attribute':
      return isXmlElement(node) && Object.hasOwn(node.attributes, s.name) ? [node.attributes[s.name]] : [];
  }
}

/** Every value the path reaches from `root`, in document order. */
export function selectPath(root: unknown, path: Path): unknown[] {
  let nodes: unknown[] = [root];
  for (const s of path) nodes = nodes.flatMap((node) => step(node, s));
  return nodes;
}

/**
 * A field's values when it has no `@from`: the key of its name (JSON), or
 * the attribute of its name, else the child elements of its name (XML).
 */
export function selectField(node: unknown, field: string): unknown[] {
  if (isXmlElement(node)) {
    if (Object.hasOwn(node.attributes, field)) return [node.attributes[field]];
    return node.children.filter((c) => c.name === field);
  }
  return keyOf(node, field);
}

export function describePath(path: Path): string {
  return path.map((s) => (s.kind === 'attribute' ? `@${s.name}` : s.name)).join('.') || '(the root)';
}
