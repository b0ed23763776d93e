import { defineConfig } from 'prisma/config';

// `?? ''` and not env(): env() throws when unset, which would break `prisma generate` at install.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations', seed: 'tsx prisma/seed.ts' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
