// Trusted documents: with TRUSTED_DOCUMENTS set, only the operations listed in
// a manifest may run. The manifest is the JSON that GraphQL Code Generator's
// client preset writes with `persistedDocuments: { hashAlgorithm: 'sha256' }`:
// `{ "<sha256 of the document>": "<document>" }`. A client sends either the
// hash alone (`extensions.persistedQuery.sha256Hash`, as with APQ) or the
// document, whose hash must be listed. Anything else is refused with
// PERSISTED_QUERY_NOT_LISTED; its document is never parsed.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../../errors/codes.ts';
import { GatewayError } from '../../errors/GatewayError.ts';

export type TrustedDocuments = ReadonlyMap<string, string>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Reads and checks a manifest; the error names the file and the first bad entry. */
export function loadTrustedDocuments(path: string): TrustedDocuments {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`TRUSTED_DOCUMENTS: cannot read ${path} as JSON (${(error as Error).message})`, { cause: error });
  }
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest))
    throw new Error(`TRUSTED_DOCUMENTS: ${path} must hold an object { "<sha256>": "<document>" }`);
  const documents = new Map<string, string>();
  for (const [hash, document] of Object.entries(manifest)) {
    if (typeof document !== 'string')
      throw new Error(
        `TRUSTED_DOCUMENTS: ${path}: the entry ${hash} must be a document string, got ${typeof document}`,
      );
    if (sha256(document) !== hash)
      throw new Error(
        `TRUSTED_DOCUMENTS: ${path}: the key ${hash} is not the sha256 of its document ` +
          `(generate the manifest with persistedDocuments: { hashAlgorithm: 'sha256' })`,
      );
    documents.set(hash, document);
  }
  return documents;
}

const notListed = () =>
  new GatewayError(
    ErrorCode.PERSISTED_QUERY_NOT_LISTED,
    'This server runs only the operations in its trusted-documents manifest',
    {
      http: { status: 400 },
    },
  );

// What an unlisted request runs instead of its own document, which is never parsed.
const placeholder = '{ __typename }';

export function ApolloServerPluginTrustedDocuments(documents: TrustedDocuments): ApolloServerPlugin {
  return {
    // requestDidStart runs before Apollo reads `query` and the APQ extension,
    // so a listed hash becomes its document here and the manifest stands in
    // for the APQ cache (nothing a client sends is ever registered). Apollo
    // answers an error thrown here with a bare 500, so an unlisted request is
    // swapped for a placeholder and refused in didResolveOperation, whose
    // errors keep their status.
    async requestDidStart({ request }) {
      const { persistedQuery, ...otherExtensions } = request.extensions ?? {};
      const hash = (persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
      const query = request.query ?? (typeof hash === 'string' ? documents.get(hash) : undefined);
      const listed = query !== undefined && documents.has(sha256(query));
      request.extensions = otherExtensions;
      if (listed) {
        request.query = query;
        return;
      }
      request.query = placeholder;
      request.operationName = undefined;
      request.variables = {};
      return {
        async didResolveOperation() {
          throw notListed();
        },
      };
    },
  };
}
