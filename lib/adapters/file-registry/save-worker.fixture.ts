// Child process for the two-process test: saves `count` versions of one prompt concurrently, then
// moves the production label `count` times. Prints the versions it saved as JSON.
// Both workers start at <startAt> (epoch ms) so their saves overlap despite different boot times.
// Usage: node --conditions=react-server --import tsx save-worker.fixture.ts <root> <id> <worker> <count> <startAt>
import 'server-only';
import { createFileRegistry } from './file-registry';

const [root, id, worker, countText, startAtText] = process.argv.slice(2);
if (!root || !id || !worker || !countText || !startAtText)
  throw new Error('usage: <root> <id> <worker> <count> <startAt>');
const count = Number(countText);
const registry = createFileRegistry({ root });
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAtText) - Date.now())));

const saved = await Promise.all(
  Array.from({ length: count }, (_, i) =>
    registry.save({ id, version: 0, name: 'Two processes', user: `${worker}-${i}` }, { author: worker }),
  ),
);
for (let i = 0; i < count; i++) {
  const latest = await registry.getLatest(id);
  await registry.setLabel(id, 'production', 1 + (i % latest.version), { actor: worker });
}
process.stdout.write(JSON.stringify(saved.map((data) => data.version)));
