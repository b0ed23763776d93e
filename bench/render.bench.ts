// Render throughput of loom's template engine against compiled Handlebars, measured in interleaved
// rounds in one process. Loom's figure includes input validation, coercion, defaults and message
// assembly; Handlebars renders the equivalent system and user templates without HTML escaping.
//   npx tsx bench/render.bench.ts
import Handlebars from 'handlebars';
import { pathToFileURL } from 'node:url';
import {
  boolean,
  enumOf,
  list,
  number,
  prompt,
  required,
  string,
  withDefault,
  type Prompt,
} from '@/lib/loom/core';
import { createTemplateEngine } from '@/lib/loom/template';
import { measureOpsPerSecond, median } from './harness';

// Many short interleaved rounds and the median ratio: machines here are shared, and load shifts
// within seconds; a burst then hits one round of both sides rather than one side only.
const ROUNDS = 15;
const ROUND_MS = 150;
const WARMUP_MS = 500;

const PARAGRAPH =
  'Keep answers short, factual and kind. Never promise refunds or delivery dates you cannot confirm, ' +
  'and do not invent order details. When unsure, say so and offer to escalate to a human colleague. ';

const input = {
  customer: 'Ada Lovelace',
  company: 'Analytical Engines Ltd',
  tone: 'casual',
  orderId: 'A-1843',
  items: ['gear', 'crank', 'punch card', 'column', 'mill'],
  vip: 'true',
  credit: '12.5',
};

function variables() {
  return prompt('bench')
    .variable('customer', string(required()))
    .variable('company', string(required()))
    .variable('tone', enumOf(['formal', 'casual'], withDefault('formal')))
    .variable('orderId', string(required()))
    .variable('items', list())
    .variable('vip', boolean(withDefault(false)))
    .variable('credit', number(withDefault(0)));
}

function mixedLoom(engine: ReturnType<typeof createTemplateEngine>): Prompt {
  return variables()
    .system(
      `You are the support assistant of {{ company }}. Answer in a {{ tone }} tone. ${PARAGRAPH}${PARAGRAPH}`,
    )
    .user(
      `Customer {{ customer | upcase }} writes about order {{ orderId }}.\n` +
        `{% if vip %}This is a VIP customer with {{ credit }} credit: be generous.{% endif %}\n` +
        `Items in the order:\n{% for item in items %}- {{ item }}\n{% endfor %}${PARAGRAPH}${PARAGRAPH}` +
        `Reply to {{ customer }} now.`,
    )
    .build(engine);
}

function mixedHandlebars(): (data: unknown) => string {
  const hbs = Handlebars.create();
  hbs.registerHelper('upcase', (value: unknown) => String(value).toUpperCase());
  const system = hbs.compile(
    `You are the support assistant of {{company}}. Answer in a {{tone}} tone. ${PARAGRAPH}${PARAGRAPH}`,
    {
      noEscape: true,
    },
  );
  const user = hbs.compile(
    `Customer {{upcase customer}} writes about order {{orderId}}.\n` +
      `{{#if vip}}This is a VIP customer with {{credit}} credit: be generous.{{/if}}\n` +
      `Items in the order:\n{{#each items}}- {{this}}\n{{/each}}${PARAGRAPH}${PARAGRAPH}` +
      `Reply to {{customer}} now.`,
    { noEscape: true },
  );
  return (data) => system(data) + user(data);
}

const INTERP =
  `Customer {{ customer }} from {{ company }} wrote about order {{ orderId }} in a {{ tone }} mood. ${PARAGRAPH}` +
  `They are VIP: {{ vip }}, with {{ credit }} credit. ${PARAGRAPH}${PARAGRAPH}Answer {{ customer }} about {{ orderId }}.`;

function interpLoom(engine: ReturnType<typeof createTemplateEngine>): Prompt {
  return variables().user(INTERP).build(engine);
}

function interpHandlebars(): (data: unknown) => string {
  return Handlebars.create().compile(INTERP.replace(/\{\{ (\w+) \}\}/g, '{{$1}}'), { noEscape: true });
}

/** Median over interleaved rounds of loom ops/s divided by Handlebars ops/s. */
async function ratio(
  loom: () => Promise<unknown>,
  peer: () => unknown,
): Promise<{ ratio: number; loom: number; peer: number }> {
  const ratios: number[] = [];
  const loomOps: number[] = [];
  const peerOps: number[] = [];
  await measureOpsPerSecond(loom, { durationMs: WARMUP_MS });
  await measureOpsPerSecond(peer, { durationMs: WARMUP_MS });
  for (let round = 0; round < ROUNDS; round++) {
    const l = await measureOpsPerSecond(loom, { durationMs: ROUND_MS, warmupMs: 20 });
    const p = await measureOpsPerSecond(peer, { durationMs: ROUND_MS, warmupMs: 20 });
    loomOps.push(l);
    peerOps.push(p);
    ratios.push(l / p);
  }
  return { ratio: median(ratios), loom: median(loomOps), peer: median(peerOps) };
}

async function assertEquivalent(loom: Prompt, peer: (data: unknown) => string, data: unknown): Promise<void> {
  const rendered = await loom.render(input);
  const expected = peer(data);
  if (rendered.system + rendered.user !== expected) {
    throw new Error(`loom and handlebars disagree:\n${rendered.system + rendered.user}\n---\n${expected}`);
  }
}

export async function runRenderBench(): Promise<Record<string, number>> {
  const engine = createTemplateEngine();
  // Handlebars gets already-typed data: coercion is part of loom's work, not the peer's.
  const typed = { ...input, vip: true, credit: 12.5 };

  const mixed = mixedLoom(engine);
  const mixedPeer = mixedHandlebars();
  await assertEquivalent(mixed, mixedPeer, typed);
  const mixedResult = await ratio(
    () => mixed.render(input),
    () => mixedPeer(typed),
  );

  const interp = interpLoom(engine);
  const interpPeer = interpHandlebars();
  await assertEquivalent(interp, interpPeer, typed);
  const interpResult = await ratio(
    () => interp.render(input),
    () => interpPeer(typed),
  );

  return {
    'render.mixed_vs_handlebars': round(mixedResult.ratio),
    'render.interp_vs_handlebars': round(interpResult.ratio),
    'render.mixed_loom_ops': Math.round(mixedResult.loom),
    'render.mixed_handlebars_ops': Math.round(mixedResult.peer),
    'render.interp_loom_ops': Math.round(interpResult.loom),
    'render.interp_handlebars_ops': Math.round(interpResult.peer),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runRenderBench(), null, 2));
}
