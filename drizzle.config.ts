import { defineConfig } from 'drizzle-kit';

// Generating migrations needs no database: `npm run db:generate` diffs db/schema against db/migrations.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
});
