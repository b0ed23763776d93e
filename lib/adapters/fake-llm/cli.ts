// The studio's offline "simulator": `npx tsx lib/adapters/fake-llm/cli.ts --port 11435`.
// Imports server.ts directly, not index.ts: `server-only` throws outside Next's react-server build.
import { parseArgs } from 'node:util';
import { demoSimulatorRules } from './demo-rules';
import { startFakeLlmServer } from './server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '11435' },
    'latency-ms': { type: 'string', default: '0' },
    'chunk-delay-ms': { type: 'string', default: '30' },
  },
});

const numberOption = (name: string, raw: string | undefined): number => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} must be a non-negative integer, got ${raw}`);
    process.exit(2);
  }
  return value;
};

const server = await startFakeLlmServer({
  port: numberOption('port', values.port),
  script: {
    latencyMs: numberOption('latency-ms', values['latency-ms']),
    chunkDelayMs: numberOption('chunk-delay-ms', values['chunk-delay-ms']),
    // The demo workspace's intent classifier and judge, as `npm start`'s simulator answers them.
    rules: demoSimulatorRules(),
  },
});
console.log(`fake LLM listening on ${server.url} (OpenAI: ${server.url}/v1, Ollama: ${server.url})`);

const shutdown = () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
