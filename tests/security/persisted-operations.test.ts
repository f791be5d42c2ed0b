// Persisted operations over a real socket: Apollo's automatic persisted
// queries (APQ) round trip, and the trusted-documents mode in which only the
// operations of a manifest run, whether sent by hash or as a document.
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTrustedDocuments } from '../../src/http/plugins/trustedDocuments.ts';
import { expectRefused, useLiveGateway } from './support.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

describe('automatic persisted queries', () => {
  const live = useLiveGateway();

  it('asks for an unknown hash, registers it with the document, then runs it by hash alone', async () => {
    const query = '{ authors(first: 2) { nodes { name } } }';
    const hash = sha256(query);

    const unknown = await live.post({ extensions: persisted(hash) });
    const unknownWork = live.work();
    const registered = await live.post({ query, extensions: persisted(hash) });
    const byHash = await live.post({ extensions: persisted(hash) });

    expect(unknown.status).toBe(200);
    expect(unknown.body.errors).toEqual([
      { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
    ]);
    expect(unknownWork.statements).toBe(0);
    expect(registered.body).toEqual({ data: { authors: { nodes: [{ name: 'Ada Lovelace' }, expect.any(Object)] } } });
    expect(byHash.body).toEqual(registered.body);
  });

  it('refuses a document whose hash does not match, and runs nothing', async () => {
    const res = await live.post({ query: '{ authors { totalCount } }', extensions: persisted(sha256('{ other }')) });

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } },
    ]);
    expect(live.work().statements).toBe(0);
  });
});

describe('automatic persisted queries turned off', () => {
  const live = useLiveGateway({ APQ_CACHE_BYTES: '0' });

  it('answers PERSISTED_QUERY_NOT_SUPPORTED', async () => {
    const res = await live.post({ extensions: persisted(sha256('{ authors { totalCount } }')) });

    expect(res.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
  });
});

describe('trusted documents', () => {
  const listedQuery = 'query Authors { authors(first: 1) { nodes { name } } }';
  const listedMutation = 'mutation Listed($name: String!) { createAuthor(input: { name: $name }) { name } }';
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-trusted-'));
  const manifest = join(dir, 'persisted-documents.json');
  writeFileSync(
    manifest,
    JSON.stringify({ [sha256(listedQuery)]: listedQuery, [sha256(listedMutation)]: listedMutation }),
  );
  const live = useLiveGateway({ TRUSTED_DOCUMENTS: manifest });
  const authorsNamed = (name: string) => live.database.db.author.count({ where: { name } });

  it('runs a listed operation sent by hash alone', async () => {
    const res = await live.post({ extensions: persisted(sha256(listedQuery)), operationName: 'Authors' });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { authors: { nodes: [{ name: 'Ada Lovelace' }] } } });
  });

  it('runs a listed operation sent as its document', async () => {
    const res = await live.post({ query: listedMutation, variables: { name: 'Listed author' } }, live.admin);

    expect(res.body).toEqual({ data: { createAuthor: { name: 'Listed author' } } });
    expect(await authorsNamed('Listed author')).toBe(1);
  });

  it('refuses an unlisted document with PERSISTED_QUERY_NOT_LISTED, before it is parsed, and writes nothing', async () => {
    const res = await live.query('mutation { createAuthor(input: { name: "Unlisted" }) { id } }');
    const work = live.work();
    const almost = await live.query(`${listedQuery} `); // one byte more: another hash

    expectRefused(res, 400, 'PERSISTED_QUERY_NOT_LISTED');
    expect(work).toEqual({ statements: 0, upstreamCalls: 0 });
    expect(await authorsNamed('Unlisted')).toBe(0);
    expectRefused(almost, 400, 'PERSISTED_QUERY_NOT_LISTED');
  });

  it('refuses an unlisted hash with PERSISTED_QUERY_NOT_LISTED, and does not register a document sent with it', async () => {
    const query = '{ books(first: 1) { totalCount } }';

    const byHash = await live.post({ extensions: persisted(sha256(query)) });
    const withDocument = await live.post({ query, extensions: persisted(sha256(query)) });
    const again = await live.post({ extensions: persisted(sha256(query)) });

    expectRefused(byHash, 400, 'PERSISTED_QUERY_NOT_LISTED');
    expectRefused(withDocument, 400, 'PERSISTED_QUERY_NOT_LISTED');
    expectRefused(again, 400, 'PERSISTED_QUERY_NOT_LISTED');
    expect(live.work()).toEqual({ statements: 0, upstreamCalls: 0 });
  });

  it('refuses a listed hash paired with another document', async () => {
    const res = await live.post({ query: '{ books { totalCount } }', extensions: persisted(sha256(listedQuery)) });

    expectRefused(res, 400, 'PERSISTED_QUERY_NOT_LISTED');
    expect(live.work().statements).toBe(0);
  });

  it('refuses, at startup, a manifest whose keys are not the sha256 of their documents', () => {
    const sha1Manifest = join(dir, 'sha1.json');
    writeFileSync(
      sha1Manifest,
      JSON.stringify({ [createHash('sha1').update(listedQuery).digest('hex')]: listedQuery }),
    );

    expect(() => loadTrustedDocuments(sha1Manifest)).toThrow(
      /is not the sha256 of its document.*hashAlgorithm: 'sha256'/,
    );
    expect(() => loadTrustedDocuments(join(dir, 'missing.json'))).toThrow(/TRUSTED_DOCUMENTS: cannot read/);
  });
});
