// PostGraphile 5 over the bench database, as a team would run it in
// production: the Amber preset, simplify-inflection (so relations read
// `author`, `books`, `reviews`), Grafserv on Node's own HTTP server, no
// GraphiQL, no watch mode, no explain.
//
// Plain JS run by Node 22 (PostGraphile 5 needs it) with cwd bench/, so it
// resolves bench/node_modules. Env: PORT, HOST, DATABASE_URL; optionally
// PRINT_SCHEMA=<file> to write the generated SDL there (for writing documents).
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { PgSimplifyInflectionPreset } from '@graphile/simplify-inflection';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { printSchema } from 'postgraphile/graphql';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const port = Number(process.env.PORT ?? 5678);
const host = process.env.HOST ?? '127.0.0.1';
const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error('DATABASE_URL is required');

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset],
  pgServices: [
    makePgService({
      connectionString,
      schemas: ['public'],
      // Same pool size as Switchyard and the naive baseline.
      poolConfig: { max: 10 },
      // No subscriptions: without this a LISTEN client would hold a connection.
      pubsub: false,
    }),
  ],
  grafserv: { port, host, graphqlPath: '/graphql', graphiql: false, watch: false, websockets: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
// createHandler (not addTo) so that /ready can answer beside it; addTo would
// register a second request listener that 404s every path it does not own.
const handle = serv.createHandler();

// Ready once the schema is built: building it introspects the database.
let ready = false;
const schema = await pgl.getSchema();
if (process.env.PRINT_SCHEMA) writeFileSync(process.env.PRINT_SCHEMA, printSchema(schema));
ready = true;

const server = createServer((req, res) => {
  if (req.url === '/ready') {
    res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' });
    res.end(ready ? 'ready' : 'starting');
    return;
  }
  void handle(req, res);
});

// The harness stops systems with SIGTERM: release the pool before exiting.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    server.close();
    Promise.resolve(pgl.release()).finally(() => process.exit(0));
  });
}

server.listen(port, host);
