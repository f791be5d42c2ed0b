// The N+1 baseline: the same schema.graphql as Switchyard, served by the same
// HTTP layer (Fastify + Apollo Server 5), but with plain hand-written
// resolvers that call Prisma directly, one query per parent, no DataLoader —
// the way a typical team writes them first. Only what W1–W8 read is resolved.
//
// W8's HTTP fields are N+1 too: `Book.stock` is one GET /stock/{isbn} per book
// (the batch endpoint unused) and `Book.price` fetches and parses the rates
// feed once per book, with no cache (the feed's max-age unread).
//
// Note what "naive" still gets for free: Prisma 7 batches findUnique calls made
// in the same tick into one `WHERE id IN (…)` query, so `Book.author` is not
// N+1 (W5); `Author.books` and `Book.reviews` use findMany and are (W3, W4).
//
// Run from the repository root (`node --import tsx bench/systems/naive-server.ts`)
// with DATABASE_URL, INVENTORY_URL, INVENTORY_API_KEY and FX_URL.
// It never imports `graphql` itself: bench/node_modules holds a second copy
// (PostGraphile's), and Apollo must see the one makeExecutableSchema uses.
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { XMLParser } from 'fast-xml-parser';
import Fastify from 'fastify';
import { GraphQLDateTime } from 'graphql-scalars';
import { createDb } from '../../src/sources/prisma/client.ts';

const root = new URL('../../', import.meta.url);
const port = Number(process.env.PORT ?? 4000);
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL is required');
const inventoryUrl = process.env.INVENTORY_URL;
const inventoryApiKey = process.env.INVENTORY_API_KEY ?? '';
const fxUrl = process.env.FX_URL;
if (!inventoryUrl || !fxUrl) throw new Error('INVENTORY_URL and FX_URL are required (W8)');

// Same pool size as Switchyard's default (DATABASE_POOL_SIZE=10).
const prisma = createDb({ url: databaseUrl, poolSize: 10 });

// The directives SDL only has to be there so schema.graphql parses; nothing reads it.
const typeDefs = [
  readFileSync(new URL('src/bindings/directives.graphql', root), 'utf8'),
  readFileSync(new URL('schema.graphql', root), 'utf8'),
];

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

const defaultPageSize = 20;
const cursorOf = (id: number) => Buffer.from(String(id)).toString('base64url');
const afterId = (after?: string | null) => (after ? Number(Buffer.from(after, 'base64url').toString()) : undefined);

// The Relay connection, built from one page of rows. totalCount is a function
// so that graphql-js's default resolver counts only when a query asks for it.
function connection<T extends { id: number }>(nodes: T[], take: number, count: () => Promise<number>) {
  return {
    nodes,
    edges: nodes.map((node) => ({ cursor: cursorOf(node.id), node })),
    pageInfo: {
      hasNextPage: nodes.length === take, // good enough for a baseline
      hasPreviousPage: false,
      startCursor: nodes.length ? cursorOf(nodes[0]!.id) : null,
      endCursor: nodes.length ? cursorOf(nodes[nodes.length - 1]!.id) : null,
    },
    totalCount: count,
  };
}

// Page arguments → Prisma findMany arguments, ordered by id (the canonical order).
function page({ first, after }: PageArgs, where: Record<string, unknown> = {}) {
  const take = first ?? defaultPageSize;
  const id = afterId(after);
  return {
    take,
    args: { where: id === undefined ? where : { ...where, id: { gt: id } }, take, orderBy: { id: 'asc' as const } },
  };
}

// One inventory call per book: 404 means the inventory does not stock it.
async function stockOf(isbn: string): Promise<unknown> {
  const response = await fetch(`${inventoryUrl}/stock/${encodeURIComponent(isbn)}`, {
    headers: { 'x-api-key': inventoryApiKey },
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return null;
  }
  if (!response.ok) throw new Error(`inventory answered ${response.status} for ${isbn}`);
  return response.json();
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });

// The ECB feed, fetched and parsed on every call: what a resolver without a cache does.
async function euroRates(): Promise<{ date: Date; rates: { currency: string; rate: number }[] }> {
  const response = await fetch(`${fxUrl}/eurofxref-daily.xml`);
  if (!response.ok) throw new Error(`the rates feed answered ${response.status}`);
  const day = xml.parse(await response.text())['gesmes:Envelope'].Cube.Cube;
  return {
    date: new Date(`${day.time}T00:00:00Z`),
    rates: [day.Cube].flat().map((c: { currency: string; rate: string }) => ({
      currency: c.currency,
      rate: Number(c.rate),
    })),
  };
}

const resolvers = {
  DateTime: GraphQLDateTime,
  Query: {
    book: (_: unknown, { id, isbn }: { id?: string; isbn?: string }) =>
      id != null ? prisma.book.findUnique({ where: { id: Number(id) } }) : prisma.book.findUnique({ where: { isbn } }),
    books: async (_: unknown, args: PageArgs) => {
      const { take, args: q } = page(args);
      return connection(await prisma.book.findMany(q), take, () => prisma.book.count());
    },
    authors: async (_: unknown, args: PageArgs) => {
      const { take, args: q } = page(args);
      return connection(await prisma.author.findMany(q), take, () => prisma.author.count());
    },
    reviews: async (_: unknown, args: PageArgs) => {
      const { take, args: q } = page(args);
      return connection(await prisma.review.findMany(q), take, () => prisma.review.count());
    },
  },
  Author: {
    // One query per author: the N+1 this baseline exists to show.
    books: async (author: { id: number }, args: PageArgs) => {
      const where = { authorId: author.id };
      const { take, args: q } = page(args, where);
      return connection(await prisma.book.findMany(q), take, () => prisma.book.count({ where }));
    },
  },
  Book: {
    // Prisma coalesces same-tick findUnique calls: batched without a DataLoader.
    author: (book: { authorId: number }) => prisma.author.findUnique({ where: { id: book.authorId } }),
    // One query per book.
    reviews: async (book: { id: number }, args: PageArgs) => {
      const where = { bookId: book.id };
      const { take, args: q } = page(args, where);
      return connection(await prisma.review.findMany(q), take, () => prisma.review.count({ where }));
    },
    // One HTTP call per book (W8).
    stock: (book: { isbn: string }) => stockOf(book.isbn),
    // One feed fetch and parse per book (W8); the amount is rounded as Switchyard's
    // src/resolvers/price.ts rounds it, to the currency's minor unit.
    price: async (book: { priceCents: number }, { currency }: { currency: string }) => {
      const code = currency.toUpperCase();
      const { date, rates } = await euroRates();
      const rate = code === 'EUR' ? 1 : rates.find((r) => r.currency === code)?.rate;
      if (rate === undefined) throw new Error(`No euro reference rate for ${currency}`);
      const format = new Intl.NumberFormat('en', { style: 'currency', currency: code });
      const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
      const amount = Math.round((book.priceCents / 100) * rate * 10 ** digits) / 10 ** digits;
      return { currency: code, amount, formatted: format.format(amount), rate, date };
    },
  },
  Review: {
    book: (review: { bookId: number }) => prisma.book.findUnique({ where: { id: review.bookId } }),
  },
  Mutation: {
    createReview: (
      _: unknown,
      { input }: { input: { bookId: string; customerId?: string | null; rating: number; body: string } },
    ) =>
      prisma.review.create({
        data: {
          bookId: Number(input.bookId),
          customerId: input.customerId == null ? null : Number(input.customerId),
          rating: input.rating,
          body: input.body,
        },
      }),
    updateBook: (_: unknown, { id, input }: { id: string; input: Record<string, unknown> }) =>
      prisma.book.update({ where: { id: Number(id) }, data: input }),
  },
};

const schema = makeExecutableSchema({ typeDefs, resolvers });

const app = Fastify({ logger: false });
const apollo = new ApolloServer({
  schema,
  introspection: false,
  stopOnTerminationSignals: false, // our handler below closes Fastify first
  // The same Apollo set-up as Switchyard's (cache-control off, no landing
  // page), so that the two differ only in how data is fetched.
  plugins: [
    fastifyApolloDrainPlugin(app),
    ApolloServerPluginCacheControlDisabled(),
    ApolloServerPluginLandingPageDisabled(),
  ],
});
await apollo.start();
app.route({ url: '/graphql', method: ['GET', 'POST', 'OPTIONS'], handler: fastifyApolloHandler(apollo) });
app.get('/ready', async () => {
  await prisma.$queryRawUnsafe('SELECT 1');
  return { ready: true };
});

// The harness stops systems with SIGTERM: close cleanly so the pool is released.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void app
      .close()
      .then(() => apollo.stop())
      .then(() => prisma.$disconnect())
      .finally(() => process.exit(0));
  });
}

await app.listen({ host: process.env.HOST ?? '127.0.0.1', port });
