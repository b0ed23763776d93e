// Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm), driven directly with
// an in-memory PGlite as the database and shadow database. This is how migrations are authored and
// checked on machines that cannot download Prisma's native engine. The files it writes are plain
// Prisma migrations: `prisma migrate deploy` applies them unchanged where the native engine exists.
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';
import { PrismaPGlite } from 'pglite-prisma-adapter';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const SCHEMA_PATH = path.join(ROOT, 'prisma/schema.prisma');
export const MIGRATIONS_DIR = path.join(ROOT, 'prisma/migrations');

type Engine = Awaited<ReturnType<typeof bg.SchemaEngine.new>>;

let initialised = false;
async function loadWasm(): Promise<void> {
  if (initialised) return;
  const require = createRequire(import.meta.url);
  const wasmPath = path.join(
    path.dirname(require.resolve('@prisma/schema-engine-wasm')),
    'schema_engine_bg.wasm',
  );
  const wasmModule = new WebAssembly.Module(await readFile(wasmPath));
  const instance = new WebAssembly.Instance(wasmModule, {
    './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports,
  });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  // The engine reports panics through this global hook.
  (globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message: (m: string) => console.error(m),
  };
  initialised = true;
}

export async function readSchema() {
  return { files: [{ path: SCHEMA_PATH, content: await readFile(SCHEMA_PATH, 'utf8') }] };
}

export async function readMigrationList() {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true }).catch(() => []);
  const dirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const lockPath = path.join(MIGRATIONS_DIR, 'migration_lock.toml');
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: 'migration_lock.toml', content: await readFile(lockPath, 'utf8').catch(() => null) },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      dirs.map(async (dir) => ({
        path: dir,
        migrationFile: {
          path: 'migration.sql',
          content: await readFile(path.join(MIGRATIONS_DIR, dir, 'migration.sql'), 'utf8').then(
            (ok) => ({ tag: 'ok' as const, value: ok }),
            (err: Error) => ({ tag: 'error' as const, value: err.message }),
          ),
        },
      })),
    ),
  };
}

/** An engine over a throw-away in-memory PGlite; closes it afterwards. */
export async function withEngine<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
  await loadWasm();
  const db = await PGlite.create();
  const schema = await readSchema();
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(db));
  const engine = await bg.SchemaEngine.new(
    { datamodels: schema.files.map((f) => [f.path, f.content] as [string, string]) },
    (log: string) => process.env.DEBUG_SCHEMA_ENGINE && console.error(log),
    adapter,
  );
  try {
    return await fn(engine);
  } finally {
    engine.free();
    await db.close();
  }
}

/** SQL that takes a database migrated by the existing migrations to the current schema ('' when none). */
export async function pendingSchemaSql(): Promise<string> {
  const [schema, migrations] = await Promise.all([readSchema(), readMigrationList()]);
  return withEngine(async (engine) => {
    const result = await engine.diff({
      from: migrations.migrationDirectories.length ? { tag: 'migrations', ...migrations } : { tag: 'empty' },
      to: { tag: 'schemaDatamodel', ...schema },
      script: true,
      exitCode: true,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.exitCode === 2 ? (result.stdout ?? '') : '';
  });
}
