import type { GraphiQLProps } from 'graphiql';

type Fetcher = GraphiQLProps['fetcher'];

/**
 * A same-origin HTTP fetcher for GraphiQL: POSTs the operation as JSON with the
 * headers typed in the headers editor. Written here instead of importing
 * `@graphiql/toolkit`, which is only a transitive dependency of graphiql.
 * Queries and mutations only: Switchyard serves no subscriptions.
 */
export function createFetcher(endpoint: string): Fetcher {
  return async (params, opts) => {
    const response = await fetch(endpoint, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        accept: 'application/graphql-response+json, application/json',
        'content-type': 'application/json',
        ...opts?.headers,
      },
      body: JSON.stringify(params),
    });
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      // Not a GraphQL response (a proxy error page, a 413, …): show it as an error.
      return { errors: [{ message: `HTTP ${response.status} ${response.statusText}: ${text.slice(0, 500)}` }] };
    }
  };
}
