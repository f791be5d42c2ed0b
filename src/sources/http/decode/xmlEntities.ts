// Entity references in XML text and attribute values. With DOCTYPEs refused
// there are no declared entities: only the five predefined ones and numeric
// character references exist, so nothing can expand beyond one character.

const predefined: ReadonlyMap<string, string> = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
]);

/** Thrown for a reference that is not predefined or not a legal XML character; the caller names the source. */
export class EntityError extends Error {}

const reference = /&([^;&\s<]*);?/g;

/** Replaces every reference in `raw`; throws EntityError for an unknown or malformed one. */
export function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(reference, (match, body: string) => {
    if (!match.endsWith(';')) throw new EntityError(`an '&' that starts no entity reference`);
    const named = predefined.get(body);
    if (named !== undefined) return named;
    const numeric = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(body);
    if (!numeric) throw new EntityError(`the undeclared entity &${body.slice(0, 20)};`);
    const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2]!, 10);
    if (!isXmlChar(code)) throw new EntityError(`a character reference to an illegal character (&${body};)`);
    return String.fromCodePoint(code);
  });
}

// The Char production of XML 1.0: what a character reference may stand for.
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}
