import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseOpenError, openEmbedded, openPostgres } from './open';

describe('opening databases', () => {
  it('names DATABASE_URL and the host when the server cannot be reached, within seconds', async () => {
    const started = Date.now();
    await expect(openPostgres('postgresql://nobody@127.0.0.1:1/loom')).rejects.toThrow(
      /^DATABASE_URL points at 127\.0\.0\.1:1\/loom, which cannot be reached/,
    );
    expect(Date.now() - started).toBeLessThan(6_000);
  });

  it('refuses a data directory that is not an embedded database and leaves it untouched', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'loom-data-'));
    mkdirSync(path.join(dataDir, 'pglite'));
    writeFileSync(path.join(dataDir, 'pglite', 'notes.txt'), 'precious');
    await expect(openEmbedded(dataDir)).rejects.toBeInstanceOf(DatabaseOpenError);
    expect(readdirSync(path.join(dataDir, 'pglite'))).toEqual(['notes.txt']);
    expect(readFileSync(path.join(dataDir, 'pglite', 'notes.txt'), 'utf8')).toBe('precious');
  });

  it('keeps a second process out of an embedded database that is in use', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'loom-data-'));
    mkdirSync(path.join(dataDir, 'pglite'));
    // pid 1 is always alive: the directory looks held by another studio.
    writeFileSync(path.join(dataDir, 'pglite.lock'), '1');
    await expect(openEmbedded(dataDir)).rejects.toThrow(/in use by process 1/);
  });

  it('creates, reopens and keeps data in an embedded database', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'loom-data-'));
    const first = await openEmbedded(dataDir);
    await first.withSession((c) => c.exec("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('hello')"));
    await first.close();
    const second = await openEmbedded(dataDir);
    const rows = await second.withSession((c) => c.query<{ v: string }>('SELECT v FROM kept'));
    expect(rows.rows).toEqual([{ v: 'hello' }]);
    await second.close();
  }, 60_000);
});
