// Fails when prisma/schema.prisma and prisma/migrations have drifted apart (CI runs it via npm run check).
import { pendingSchemaSql } from './schema-engine';

const sql = await pendingSchemaSql();
if (sql.trim()) {
  console.error(
    'prisma/schema.prisma has changes that no migration captures. Run `npm run db:migration -- <name>`.',
  );
  console.error(sql);
  process.exit(1);
}
console.log('Migrations match prisma/schema.prisma.');
