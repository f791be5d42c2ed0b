// Demo data for the example bookstore: deterministic (the same rows on every
// machine and provider), written only into an empty database.
import type { Db } from './client.ts';
import { sqlReadsOf } from './sqlReads.ts';

const firstNames = ['Ada', 'Bram', 'Chloe', 'Dmitri', 'Elena', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas'];
const lastNames = ['Lovelace', 'Stoker', 'Moreau', 'Volkov', 'Ferrante', 'Haddad', 'Hopper', 'Vidal', 'Sousa'];
const words = ['Silent', 'River', 'Winter', 'Garden', 'Harbour', 'Engine', 'Letters', 'Shadow', 'Orchard', 'Signal'];

export interface SeedSizes {
  authors: number;
  booksPerAuthor: number;
  reviewsPerBook: number;
  customers: number;
  /** Orders (of one or two lines) each customer has placed; none when absent. */
  ordersPerCustomer?: number;
}

export const demoSizes: SeedSizes = {
  authors: 25,
  booksPerAuthor: 5,
  reviewsPerBook: 4,
  customers: 12,
  ordersPerCustomer: 2,
};

const statuses = ['PLACED', 'SHIPPED', 'CANCELLED'] as const;

/** Seeds when the database holds no author; returns whether it wrote anything. */
export async function seedDemoData(
  db: Db,
  provider: 'sqlite' | 'postgres',
  sizes: SeedSizes = demoSizes,
): Promise<boolean> {
  // Counted through the SQL read path where there is one, so that a server
  // starting on data it already has never loads Prisma's query compiler.
  const authors = (await sqlReadsOf(db)?.count('Author', undefined)) ?? (await db.author.count());
  if (authors > 0) return false;
  const day = 86_400_000;
  const epoch = Date.UTC(2020, 0, 1);
  await db.author.createMany({
    data: Array.from({ length: sizes.authors }, (_, i) => ({
      id: i + 1,
      name: `${firstNames[i % firstNames.length]} ${lastNames[(i * 7) % lastNames.length]}`,
      bio: i % 3 === 0 ? null : `Writes about ${words[i % words.length]!.toLowerCase()}s.`,
      born: i % 4 === 0 ? null : new Date(Date.UTC(1940 + (i % 50), i % 12, 1 + (i % 28))),
    })),
  });
  const books = Array.from({ length: sizes.authors * sizes.booksPerAuthor }, (_, i) => ({
    id: i + 1,
    isbn: `978${String(1_000_000_000 + i * 7919).slice(-10)}`,
    title: `The ${words[i % words.length]} ${words[(i * 3 + 1) % words.length]} ${i + 1}`,
    publishedAt: i % 5 === 0 ? null : new Date(epoch - (i % 40) * 30 * day),
    pages: 120 + ((i * 37) % 600),
    priceCents: 799 + ((i * 131) % 3200),
    stockQuantity: (i * 17) % 40,
    authorId: (i % sizes.authors) + 1,
  }));
  await db.book.createMany({ data: books });
  await db.customer.createMany({
    data: Array.from({ length: sizes.customers }, (_, i) => ({
      id: i + 1,
      email: `customer${i + 1}@example.com`,
      name: `${firstNames[(i * 3) % firstNames.length]} ${lastNames[i % lastNames.length]}`,
    })),
  });
  await db.review.createMany({
    data: books.flatMap((book, b) =>
      Array.from({ length: sizes.reviewsPerBook }, (_, r) => ({
        bookId: book.id,
        customerId: (b + r) % 5 === 0 ? null : ((b * 3 + r) % sizes.customers) + 1,
        rating: 1 + ((b + r * 2) % 5),
        body: `${words[(b + r) % words.length]} and ${words[(b * r + 3) % words.length]!.toLowerCase()}: review ${r + 1}.`,
        createdAt: new Date(epoch + (b * sizes.reviewsPerBook + r) * 3600_000),
      })),
    ),
  });
  // Each customer's orders, so that @auth's "customers see their own orders" shows in the example.
  const orders = Array.from({ length: sizes.customers * (sizes.ordersPerCustomer ?? 0) }, (_, i) => {
    const customerId = (i % sizes.customers) + 1;
    const picked = [...new Set([(i * 7) % books.length, (i * 13 + 5) % books.length].slice(0, 1 + (i % 2)))];
    const lines = picked.map((b) => ({
      bookId: books[b]!.id,
      quantity: 1 + (i % 3),
      unitPriceCents: books[b]!.priceCents,
    }));
    return {
      id: i + 1,
      customerId,
      status: statuses[i % statuses.length]!,
      totalCents: lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0),
      createdAt: new Date(epoch + 400 * day + i * 5 * 3600_000),
      lines,
    };
  });
  await db.order.createMany({ data: orders.map(({ lines: _lines, ...order }) => order) });
  await db.orderLine.createMany({ data: orders.flatMap((o) => o.lines.map((l) => ({ ...l, orderId: o.id }))) });
  // Explicit ids leave Postgres sequences behind: move them past the seeded rows.
  if (provider === 'postgres') {
    for (const table of ['Author', 'Book', 'Customer', 'Order']) {
      await db.$executeRawUnsafe(
        `SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), (SELECT MAX(id) FROM "${table}"))`,
      );
    }
  }
  return true;
}
