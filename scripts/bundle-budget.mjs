// Bundle budget, checked on the production build in .next/ (npm test runs it after the e2e run,
// which builds the app). Fails when:
//  - the first-load JavaScript of the prompts list (/prompts) exceeds 154 KB gzip, or
//  - the first-load JavaScript of the overview (/) exceeds 200 KB gzip, or recharts is in it (the
//    charts load it lazily through next/dynamic), or
//  - Monaco is in any chunk that some route loads up front (it must only ever be fetched lazily,
//    by the editor routes' next/dynamic import).
// How Next 16 + Turbopack records it (verified on a real build): .next/build-manifest.json lists
// `rootMainFiles` (loaded by every route); each page's .next/server/app/<route>/page_client-reference-manifest.js
// sets globalThis.__RSC_MANIFEST[route].entryJSFiles: the chunks of each layout and page entry.
// Prints the figures and writes them to test-results/bundle-budget.json.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';

const ROOT = path.resolve(import.meta.dirname, '..');
const NEXT = path.join(ROOT, '.next');
const OUT = path.join(ROOT, 'test-results', 'bundle-budget.json');
/** The budget for the page a prompt engineer opens most. */
// 150 KB until the studio shell became responsive and themed (phone menu with focus handling,
// theme switch applied before paint, skip link, plain wording for every error code): 3.2 KB gzip
// that every page needs. Lazy-loading the archive dialog or moving the theme fallback saved nothing.
const LIST_BUDGET_BYTES = 154 * 1024;
const LIST_ROUTE = '/(studio)/prompts/page';
/** The overview is the landing page: its charts' library must come in a lazy chunk (issue 14). */
const OVERVIEW_BUDGET_BYTES = 200 * 1024;
const OVERVIEW_ROUTE = '/(studio)/page';
/** Class names only recharts' own code writes (its surface, wrapper, grid and legend). */
const RECHARTS_MARKERS = [
  'recharts-surface',
  'recharts-wrapper',
  'recharts-cartesian-grid-bg',
  'recharts-legend-icon',
];
const EDITOR_ROUTE = '/(studio)/prompts/[id]/page';
/** Strings only Monaco's own code contains (its worker bootstrap and standalone services). */
const MONACO_MARKERS = ['MonacoEnvironment', 'vs/editor/', 'StandaloneCodeEditor', 'monaco-editor'];

function fail(message) {
  console.error(`bundle budget: ${message}`);
  process.exit(1);
}

if (!existsSync(path.join(NEXT, 'build-manifest.json')))
  fail('no production build in .next/ (run `next build`)');
const buildManifest = JSON.parse(readFileSync(path.join(NEXT, 'build-manifest.json'), 'utf8'));
const rootMainFiles = buildManifest.rootMainFiles ?? [];

/** route ("/(studio)/prompts/page") -> { entryKey -> chunk files } from every client reference manifest. */
function readRouteManifests() {
  const routes = new Map();
  const dir = path.join(NEXT, 'server', 'app');
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('_client-reference-manifest.js')) continue;
    const sandbox = { globalThis: {} };
    sandbox.self = sandbox.globalThis;
    vm.runInNewContext(
      `var globalThis = this.globalThis; ${readFileSync(path.join(dir, file), 'utf8')}`,
      sandbox,
    );
    for (const [route, manifest] of Object.entries(sandbox.globalThis.__RSC_MANIFEST ?? {})) {
      routes.set(route, manifest.entryJSFiles ?? {});
    }
  }
  return routes;
}

/** The chunks a route loads before it is interactive: root main files, its layouts and its page. */
function firstLoadChunks(route, entries) {
  const segments = route
    .replace(/\/page$/, '')
    .split('/')
    .filter(Boolean);
  // Each segment's layout and its boundaries (error, not-found, loading, template) ship up front;
  // global-error does not (it replaces the root layout only after a crash).
  const keys = [`[project]/app${route}`];
  for (let i = 0; i <= segments.length; i++) {
    const dir = ['[project]/app', ...segments.slice(0, i)].join('/');
    for (const file of ['layout', 'template', 'error', 'not-found', 'loading']) keys.push(`${dir}/${file}`);
  }
  const chunks = new Set(rootMainFiles);
  for (const key of keys) for (const chunk of entries[key] ?? []) chunks.add(chunk);
  return [...chunks].filter((chunk) => chunk.endsWith('.js'));
}

const cache = new Map();
function chunk(file) {
  if (!cache.has(file)) {
    const source = readFileSync(path.join(NEXT, file));
    const text = source.toString('utf8');
    cache.set(file, {
      gzip: gzipSync(source, { level: 9 }).length,
      isMonaco: MONACO_MARKERS.filter((marker) => text.includes(marker)).length >= 2,
      isRecharts: RECHARTS_MARKERS.some((marker) => text.includes(marker)),
    });
  }
  return cache.get(file);
}

const kb = (bytes) => Math.round((bytes / 1024) * 10) / 10;
const routes = readRouteManifests();
if (!routes.has(LIST_ROUTE)) fail(`the build has no ${LIST_ROUTE} (is the prompts list built?)`);

const figures = {};
for (const route of [LIST_ROUTE, EDITOR_ROUTE, OVERVIEW_ROUTE]) {
  const entries = routes.get(route);
  if (!entries) continue;
  const files = firstLoadChunks(route, entries);
  figures[route] = { files: files.length, gzipBytes: files.reduce((sum, file) => sum + chunk(file).gzip, 0) };
}

// Every chunk some route loads up front; Monaco must be in none of them, recharts in none of the overview's.
const upFront = new Set(rootMainFiles);
for (const [route, entries] of routes) for (const file of firstLoadChunks(route, entries)) upFront.add(file);
const monacoUpFront = [...upFront].filter((file) => file.endsWith('.js') && chunk(file).isMonaco);
const staticChunks = path.join(NEXT, 'static', 'chunks');
const monacoLazy = readdirSync(staticChunks)
  .map((name) => `static/chunks/${name}`)
  .filter((file) => file.endsWith('.js') && !upFront.has(file) && chunk(file).isMonaco);

const list = figures[LIST_ROUTE];
const overview = figures[OVERVIEW_ROUTE];
const overviewEntries = routes.get(OVERVIEW_ROUTE);
const rechartsUpFront = overviewEntries
  ? firstLoadChunks(OVERVIEW_ROUTE, overviewEntries).filter((file) => chunk(file).isRecharts)
  : [];
const rechartsLazy = readdirSync(staticChunks)
  .map((name) => `static/chunks/${name}`)
  .filter((file) => file.endsWith('.js') && !upFront.has(file) && chunk(file).isRecharts);
const report = {
  budgetBytes: LIST_BUDGET_BYTES,
  routes: figures,
  monacoInFirstLoadChunks: monacoUpFront,
  monacoLazyChunks: monacoLazy.map((file) => ({ file, gzipBytes: chunk(file).gzip })),
  overviewBudgetBytes: OVERVIEW_BUDGET_BYTES,
  rechartsInOverviewFirstLoad: rechartsUpFront,
  rechartsLazyChunks: rechartsLazy.map((file) => ({ file, gzipBytes: chunk(file).gzip })),
};
mkdirSync(path.dirname(OUT), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);

for (const [route, figure] of Object.entries(figures)) {
  console.log(`first-load JS ${route}: ${kb(figure.gzipBytes)} KB gzip in ${figure.files} chunks`);
}
console.log(
  `recharts: ${rechartsLazy.length} lazy chunk(s), ${kb(rechartsLazy.reduce((sum, file) => sum + chunk(file).gzip, 0))} KB gzip; in the overview's first-load chunks: ${rechartsUpFront.length === 0 ? 'none' : rechartsUpFront.join(', ')}`,
);
console.log(
  `Monaco: ${monacoLazy.length} lazy chunk(s), ${kb(monacoLazy.reduce((sum, file) => sum + chunk(file).gzip, 0))} KB gzip; in first-load chunks: ${monacoUpFront.length === 0 ? 'none' : monacoUpFront.join(', ')}`,
);

const problems = [];
if (list.gzipBytes > LIST_BUDGET_BYTES) {
  problems.push(
    `/prompts loads ${kb(list.gzipBytes)} KB gzip of JavaScript; the budget is ${kb(LIST_BUDGET_BYTES)} KB`,
  );
}
if (!overview) problems.push(`the build has no ${OVERVIEW_ROUTE} (is the overview built?)`);
else if (overview.gzipBytes > OVERVIEW_BUDGET_BYTES) {
  problems.push(
    `the overview (/) loads ${kb(overview.gzipBytes)} KB gzip of JavaScript; the budget is ${kb(OVERVIEW_BUDGET_BYTES)} KB`,
  );
}
if (rechartsUpFront.length > 0)
  problems.push(`recharts is in the overview's first-load chunks: ${rechartsUpFront.join(', ')}`);
if (overview && rechartsLazy.length === 0) {
  problems.push(
    'no lazy recharts chunk found: the markers no longer match the build (update RECHARTS_MARKERS)',
  );
}
if (monacoUpFront.length > 0) problems.push(`Monaco is in first-load chunks: ${monacoUpFront.join(', ')}`);
if (figures[EDITOR_ROUTE] && monacoLazy.length === 0) {
  problems.push('no lazy Monaco chunk found: the markers no longer match the build (update MONACO_MARKERS)');
}
if (problems.length > 0) fail(problems.join('; '));
console.log('bundle budget: ok');
