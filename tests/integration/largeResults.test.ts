// Results with lists leave as Buffers that the server uses again for later
// responses (src/http/responseBuffers.ts). Through Fastify and Apollo over a
// real socket, many large responses sent at once must each arrive whole,
// with the length they say, the same as when sent alone, and as the JSON that
// JSON.stringify would have written. (That a Buffer is not reused while a
// slow client is still being sent it is the unit test's: these responses fit
// in the loopback socket's buffers.)
import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../helpers/gateway.ts';

const query = /* GraphQL */ `
  query Reviews($first: Int!, $orderBy: [ReviewOrder!]) {
    reviews(first: $first, orderBy: $orderBy) {
      edges {
        node {
          id
          rating
          body
          createdAt
          book {
            title
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

describe('large results over a socket', () => {
  const t = useTestGateway('sqlite', {
    seed: { authors: 40, booksPerAuthor: 10, reviewsPerBook: 5, customers: 1 },
    env: { MAX_PAGE_SIZE: '1000' },
  });

  it('sends each of many concurrent large results whole, with its Content-Length', async () => {
    const url = await t.gateway.listen();
    const variables = Array.from({ length: 10 }, (_, i) => ({
      first: 100 * (i + 1),
      orderBy: [{ createdAt: i % 2 ? 'DESC' : 'ASC' }],
    }));
    const send = async (v: (typeof variables)[number]) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables: v }),
      });
      const body = Buffer.from(await res.arrayBuffer());
      expect(res.status).toBe(200);
      expect(Number(res.headers.get('content-length'))).toBe(body.length);
      return body.toString();
    };

    const expected: string[] = [];
    for (const v of variables) expected.push(await send(v));
    for (const [i, text] of expected.entries()) {
      const result = JSON.parse(text) as { data: { reviews: { edges: unknown[] } } };
      expect(result.data.reviews.edges).toHaveLength(variables[i]!.first);
      expect(text).toBe(JSON.stringify(result));
    }

    const rounds = 3;
    const all = await Promise.all(
      Array.from({ length: rounds * variables.length }, (_, i) => send(variables[i % 10]!)),
    );
    for (const [i, text] of all.entries()) expect(text === expected[i % 10], `response ${i}`).toBe(true);
  });

  it('answers an error result with lists as JSON too', async () => {
    const res = await t.gateway.query('{ reviews(first: 1) { edges { node { nope } } } }');
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
