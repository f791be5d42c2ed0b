// One GraphQL server with W1's shape (one book by id) and no database, served
// by one HTTP integration: what the HTTP and GraphQL layers cost per request
// before any data source is involved. Started by integrations.ts.
//
//   node --import tsx bench/experiments/integration-server.ts fastify|standalone|node-http <port>
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../lib/db.ts';

// The product's packages (bench/node_modules holds PostGraphile's own graphql).
const require = createRequire(join(repoRoot, 'package.json'));
const load = <T>(name: string): Promise<T> => import(require.resolve(name)) as Promise<T>;

const [mode, portText] = process.argv.slice(2);
const port = Number(portText);
const typeDefs =
  'type Query { book(id: ID!): Book } type Book { id: ID! isbn: String! title: String! pages: Int! priceCents: Int! }';
const book = { id: 4242, isbn: '9780000004242', title: 'Book 4242', pages: 321, priceCents: 1999 };
const resolvers = { Query: { book: (_: unknown, args: { id: string }) => ({ ...book, id: Number(args.id) }) } };

const graphql = await load<typeof import('graphql')>('graphql');
const { makeExecutableSchema } = await load<typeof import('@graphql-tools/schema')>('@graphql-tools/schema');
const schema = makeExecutableSchema({ typeDefs, resolvers });
const { ApolloServer } = await load<typeof import('@apollo/server')>('@apollo/server');
const disabled = await load<typeof import('@apollo/server/plugin/disabled')>('@apollo/server/plugin/disabled');
// Apollo as Switchyard configures it (src/http/server.ts): compact JSON, no cache-control plugin, no landing page.
const apollo = () =>
  new ApolloServer({
    schema,
    stringifyResult: (result: unknown) => JSON.stringify(result),
    introspection: false,
    plugins: [disabled.ApolloServerPluginCacheControlDisabled(), disabled.ApolloServerPluginLandingPageDisabled()],
  });

if (mode === 'fastify') {
  const { default: Fastify } = await load<typeof import('fastify')>('fastify');
  const { fastifyApolloHandler } = await load<typeof import('@as-integrations/fastify')>('@as-integrations/fastify');
  const server = apollo();
  await server.start();
  const app = Fastify();
  app.route({ url: '/graphql', method: ['GET', 'POST'], handler: fastifyApolloHandler(server) });
  await app.listen({ port, host: '127.0.0.1' });
} else if (mode === 'standalone') {
  // Apollo's own node:http integration. (No mode has a health route:
  // integrations.ts waits for W1's query to answer.)
  const { startStandaloneServer } = await load<typeof import('@apollo/server/standalone')>('@apollo/server/standalone');
  await startStandaloneServer(apollo(), { listen: { port, host: '127.0.0.1' } });
} else if (mode === 'node-http') {
  // No Apollo: node:http, JSON.parse, graphql-js with the parsed and
  // validated document cached per query text. The least a GraphQL server does.
  const documents = new Map<string, import('graphql').DocumentNode>();
  createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      let status = 200;
      let result: unknown;
      try {
        const { query, variables } = JSON.parse(Buffer.concat(chunks).toString()) as {
          query: string;
          variables?: Record<string, unknown>;
        };
        let document = documents.get(query);
        if (!document) {
          document = graphql.parse(query);
          const errors = graphql.validate(schema, document);
          if (errors.length) throw new Error(errors[0]!.message);
          documents.set(query, document);
        }
        result = await graphql.execute({ schema, document, variableValues: variables });
      } catch (error) {
        // Only W1's fixed query is expected; anything else is a 400, not a crash.
        [status, result] = [400, { errors: [{ message: (error as Error).message }] }];
      }
      const body = JSON.stringify(result);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  }).listen(port, '127.0.0.1');
} else {
  throw new Error(`mode must be fastify, standalone or node-http, but got: ${mode}`);
}
