// XML bodies: the namespace-resolved XmlElement tree for well-formed documents;
// UPSTREAM_BAD_RESPONSE for DTDs (billion laughs, XXE), malformed markup,
// unknown entities, undeclared prefixes and documents too deep or too large.
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../../../src/sources/http/decode/decodeBody.ts';
import { MAX_XML_ELEMENTS } from '../../../../src/sources/http/decode/decodeXml.ts';
import { UpstreamError, type XmlElement } from '../../../../src/sources/http/types.ts';

const GESMES = 'http://www.gesmes.org/xml/2002-08-01';
const EUROFXREF = 'http://www.ecb.int/vocabulary/2002-08-01/eurofxref';

const utf8 = (text: string) => new TextEncoder().encode(text);

function decode(text: string | Uint8Array): XmlElement {
  return decodeBody('xml', typeof text === 'string' ? utf8(text) : text, 'fx') as XmlElement;
}

/** The UpstreamError decoding throws; fails the test when it throws nothing. */
function failure(text: string | Uint8Array): UpstreamError {
  try {
    decode(text);
  } catch (error) {
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).code).toBe('UPSTREAM_BAD_RESPONSE');
    return error as UpstreamError;
  }
  throw new Error('expected decoding to fail');
}

/** An element as a plain object, for toEqual. */
function el(name: string, ns: string, attributes: Record<string, string> = {}, children: unknown[] = [], text = '') {
  return { name, ns, attributes, children, text };
}

const ecbFeed = `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="${GESMES}" xmlns="${EUROFXREF}">
\t<gesmes:subject>Reference rates</gesmes:subject>
\t<gesmes:Sender>
\t\t<gesmes:name>European Central Bank</gesmes:name>
\t</gesmes:Sender>
\t<Cube>
\t\t<Cube time='2026-11-23'>
\t\t\t<Cube currency='USD' rate='1.0812'/>
\t\t\t<Cube currency='JPY' rate='163.52'/>
\t\t</Cube>
\t</Cube>
</gesmes:Envelope>`;

describe('decodeBody (xml)', () => {
  it('decodes the ECB feed into names, namespaces, attributes and text', () => {
    expect(decode(ecbFeed)).toEqual(
      el('Envelope', GESMES, {}, [
        el('subject', GESMES, {}, [], 'Reference rates'),
        el('Sender', GESMES, {}, [el('name', GESMES, {}, [], 'European Central Bank')]),
        el('Cube', EUROFXREF, {}, [
          el('Cube', EUROFXREF, { time: '2026-11-23' }, [
            el('Cube', EUROFXREF, { currency: 'USD', rate: '1.0812' }),
            el('Cube', EUROFXREF, { currency: 'JPY', rate: '163.52' }),
          ]),
        ]),
      ]),
    );
  });

  it('gives attributes prototype-free objects, without namespace declarations', () => {
    const root = decode(ecbFeed);
    expect(Object.getPrototypeOf(root.attributes)).toBeNull();
    expect(Object.keys(root.attributes)).toEqual([]);
    const rate = root.children[2]!.children[0]!.children[0]!;
    expect(Object.getPrototypeOf(rate.attributes)).toBeNull();
  });

  it('scopes namespace declarations to the element and its descendants', () => {
    const root = decode(
      '<a:root xmlns:a="urn:a" xmlns="urn:default">' +
        '<a:x xmlns:a="urn:inner"><a:y/></a:x>' +
        '<a:z/>' +
        '<plain xmlns=""><leaf/></plain>' +
        '<item a:id="1" lang="en" xml:lang="de"/>' +
        '</a:root>',
    );
    expect([root.name, root.ns]).toEqual(['root', 'urn:a']);
    const [x, z, plain, item] = root.children;
    expect([x!.ns, x!.children[0]!.ns, z!.ns]).toEqual(['urn:inner', 'urn:inner', 'urn:a']);
    expect([plain!.ns, plain!.children[0]!.ns]).toEqual(['', '']);
    expect([item!.name, item!.ns]).toEqual(['item', 'urn:default']);
    // Prefixed attributes keep their local name; with two of one name the first wins.
    expect({ ...item!.attributes }).toEqual({ id: '1', lang: 'en' });
  });

  it('concatenates direct text and CDATA, trims it, and leaves CDATA undecoded', () => {
    const root = decode('<note>\n  Tea &amp; <![CDATA[<b>cake</b> &amp;]]> more <child>inner</child> end  \n</note>');
    expect(root.text).toBe('Tea & <b>cake</b> &amp; more  end');
    expect(root.children[0]!.text).toBe('inner');
  });

  it('decodes the five predefined entities and numeric character references', () => {
    const root = decode('<e a="&lt;&#65;&#x42;&quot;">&amp;&lt;&gt;&quot;&apos; &#x41;&#66; &#x1F600;</e>');
    expect(root.text).toBe(`&<>"' AB 😀`);
    expect(root.attributes.a).toBe('<AB"');
  });

  it('drops a byte order mark before the XML declaration', () => {
    expect(decode(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('<?xml version="1.0"?><r>x</r>')])).text).toBe('x');
  });

  it('refuses invalid UTF-8', () => {
    expect(failure(new Uint8Array([...utf8('<r>'), 0xff, 0xfe, ...utf8('</r>')])).message).toBe(
      'fx sent a body that is not valid UTF-8',
    );
  });

  it('refuses a document declared in another encoding', () => {
    expect(failure('<?xml version="1.0" encoding="ISO-8859-1"?><r/>').message).toBe(
      'fx sent XML declared as ISO-8859-1; only UTF-8 is supported',
    );
  });

  it('refuses the billion laughs before expanding anything', () => {
    const lol = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [',
      ' <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`),
      ']>',
      '<lolz>&lol9;</lolz>',
    ].join('\n');
    expect(failure(lol).message).toBe('fx sent XML with a DOCTYPE; DTDs and entities are refused');
  });

  it.each([
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>',
    '<!DOCTYPE r SYSTEM "http://169.254.169.254/latest/meta-data/"><r/>',
    '<!doctype r><r/>',
  ])('refuses a DOCTYPE outright: %s', (xml) => {
    expect(failure(xml).message).toBe('fx sent XML with a DOCTYPE; DTDs and entities are refused');
  });

  it.each([
    ['<r>&xxe;</r>', 'fx sent XML with the undeclared entity &xxe;'],
    ['<r a="&nbsp;"/>', 'fx sent XML with the undeclared entity &nbsp;'],
    ['<r a="fish & chips"/>', "fx sent XML with an '&' that starts no entity reference"],
    ['<r>&#0;</r>', 'fx sent XML with a character reference to an illegal character (&#0;)'],
    ['<r>&#x110000;</r>', 'fx sent XML with a character reference to an illegal character (&#x110000;)'],
  ])('refuses the entity reference in %s', (xml, message) => {
    expect(failure(xml).message).toBe(message);
  });

  it.each([
    ['', 'fx sent malformed XML: Start tag expected. (line 1)'],
    ['<rates><rate>1.08</rate>', "fx sent malformed XML: Unclosed tag 'rates'. (line 1, column 1)"],
    [
      '<rates><rate>1.08</rates></rate>',
      "fx sent malformed XML: Expected closing tag 'rate' (opened in line 1, col 8) instead of closing tag 'rates'. (line 1, column 18)",
    ],
    ['<rates>', "fx sent malformed XML: Unclosed tag 'rates'. (line 1, column 1)"],
    ['rates <r/>', "fx sent malformed XML: char 'r' is not expected. (line 1, column 1)"],
    ['<r></r> trailing', 'fx sent malformed XML: Extra text at the end (line 1, column 9)'],
    ['<r/> trailing', 'fx sent malformed XML: text after the root element'],
    ['<r/>&amp;', 'fx sent malformed XML: text after the root element'],
    ['<r/><s/>', 'fx sent malformed XML: expected exactly one root element'],
    ['<r></r><s></s>', 'fx sent malformed XML: Multiple possible root nodes found. (line 1, column 10)'],
    ['<r a="1" a="2"/>', "fx sent malformed XML: Attribute 'a' is repeated. (line 1, column 10)"],
    ['<r flag/>', "fx sent malformed XML: boolean attribute 'flag' is not allowed. (line 1, column 4)"],
    ['<p:r/>', 'fx sent XML with the undeclared namespace prefix p'],
    ['<r p:a="1"/>', 'fx sent XML with the undeclared namespace prefix p'],
    ['<a:b:c xmlns:a="urn:a"/>', 'fx sent malformed XML: the name a:b:c is not a valid qualified name'],
    ['<r xmlns:p=""/>', 'fx sent XML with an invalid declaration xmlns:p'],
  ])('refuses malformed XML %j', (xml, message) => {
    expect(failure(xml).message).toBe(message);
  });

  it('accepts comments and processing instructions around the root', () => {
    expect(decode('<?xml version="1.0"?><!-- a --><?pi x?><r>1</r><!-- b -->\n<?pi y?>\n').text).toBe('1');
  });

  it('accepts 64 levels of nesting and refuses 65, self-closing or not', () => {
    expect(decode('<a>'.repeat(63) + '<b/>' + '</a>'.repeat(63)).name).toBe('a');
    const message = 'fx sent XML nested deeper than 64 levels';
    expect(failure('<a>'.repeat(64) + '<b/>' + '</a>'.repeat(64)).message).toBe(message);
    expect(failure('<a>'.repeat(65) + '</a>'.repeat(65)).message).toBe(message);
  });

  it('refuses 10 000 levels of nesting, closed or not', () => {
    const message = 'fx sent XML nested deeper than 64 levels';
    expect(failure('<a>'.repeat(10_000) + '</a>'.repeat(10_000)).message).toBe(message);
    expect(failure('<a><b/>'.repeat(5_000) + '</a>'.repeat(5_000)).message).toBe(message);
  });

  it(`accepts ${MAX_XML_ELEMENTS} elements and refuses one more`, () => {
    expect(decode('<r>' + '<c/>'.repeat(MAX_XML_ELEMENTS - 1) + '</r>').children).toHaveLength(MAX_XML_ELEMENTS - 1);
    expect(failure('<r>' + '<c/>'.repeat(MAX_XML_ELEMENTS) + '</r>').message).toBe(
      `fx sent XML with more than ${MAX_XML_ELEMENTS} elements`,
    );
  });

  it('refuses the name __proto__ for an element or attribute', () => {
    for (const doc of ['<__proto__ a="1"/>', '<r><x:__proto__ xmlns:x="urn:x"/></r>', '<r __proto__="x"/>'])
      expect(failure(doc).message).toBe('fx sent XML with the name __proto__, which is refused');
  });

  it('decodes constructor, prototype and other Object.prototype names as names, polluting nothing', () => {
    const root = decode(
      '<root polluted="yes" constructor="c">' +
        '<constructor prototype="p"><polluted>yes</polluted></constructor>' +
        '<prototype/><toString/><hasOwnProperty/>' +
        '</root>',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(root)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(root.attributes)).toBeNull();
    expect(Object.entries(root.attributes)).toEqual([
      ['polluted', 'yes'],
      ['constructor', 'c'],
    ]);
    expect(root.children.map((child) => child.name)).toEqual([
      'constructor',
      'prototype',
      'toString',
      'hasOwnProperty',
    ]);
    expect(root.children[0]!.attributes.prototype).toBe('p');
  });
});
