// npm run db:seed: writes the demo data into an empty database (DATABASE_URL,
// SQLite by default), after applying pending migrations.
import { loadConfig } from '../src/config.ts';
import { createDb } from '../src/sources/prisma/client.ts';
import { applyMigrations } from '../src/sources/prisma/engine/applyMigrations.ts';
import { seedDemoData } from '../src/sources/prisma/seedDemoData.ts';

const config = loadConfig();
await applyMigrations({ url: config.databaseUrl, migrationsDir: `prisma/${config.provider}/migrations` });
const db = createDb({ url: config.databaseUrl });
const seeded = await seedDemoData(db, config.provider);
console.log(seeded ? 'Demo data written.' : 'The database already has data; nothing written.');
await db.$disconnect();
