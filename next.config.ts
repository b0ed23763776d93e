import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // `npm run check` type-checks the whole repository once; the build need not do it again.
  typescript: { ignoreBuildErrors: true },
  // These load wasm and data files relative to their own modules; bundling them breaks that.
  serverExternalPackages: ['@electric-sql/pglite', 'pglite-prisma-adapter', 'pg', '@prisma/adapter-pg'],
};

export default nextConfig;
