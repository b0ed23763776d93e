import 'server-only';
import { formatDollars } from '@/components/suites/format';
import type { PrismaClient } from '@/lib/generated/prisma/client';

/** How many rows each part of the overview shows; the full lists are one click away. */
const PRODUCTION_ROWS = 8;
const ACTIVITY_ROWS = 10;

const PRODUCTION = 'production';

export interface ProductionRow {
  promptId: string;
  name: string;
  version: number;
  latestVersion: number;
  /** ISO time the label last moved. */
  since: string;
}

export interface ActivityRow {
  id: string;
  /** Display name when the actor is (still) a member, else the email recorded with the event. */
  actor: string;
  /** What happened, in plain words, e.g. "promoted Support reply v2 to production". */
  text: string;
  /** Where to look at it, when it still exists. */
  href?: string;
  at: string;
}

export type ChecklistStep = 'provider' | 'prompt' | 'run' | 'production' | 'teammate';

export interface HomeOverview {
  counts: { prompts: number; inProduction: number; members: number };
  production: ProductionRow[];
  activity: ActivityRow[];
  /** Getting-started steps this workspace has done; the page shows the checklist until all are. */
  done: Record<ChecklistStep, boolean>;
}

/**
 * The landing page of a workspace: its prompts and what serves production, the latest changes
 * (saved versions and the audit log, merged), and which first steps are still to do.
 */
export async function loadHomeOverview(prisma: PrismaClient, workspaceId: string): Promise<HomeOverview> {
  const [prompts, productionLabels, members, realProviders, runs, versions, events] = await Promise.all([
    prisma.prompt.findMany({
      where: { workspaceId, archivedAt: null },
      select: { slug: true, name: true, latestVersion: true },
    }),
    prisma.promptLabel.findMany({
      where: { label: PRODUCTION, prompt: { workspaceId, archivedAt: null } },
      orderBy: { updatedAt: 'desc' },
      select: { version: true, updatedAt: true, prompt: { select: { slug: true } } },
    }),
    prisma.membership.count({ where: { workspaceId } }),
    // The demo's simulator answers offline; connecting a real model is still a step to take.
    prisma.providerConfig.count({ where: { workspaceId, isSimulator: false } }),
    // "Run a prompt" is done by a playground run: the demo's made-up traffic has none raw (its
    // playground history is rollups only), and API, suite and judge calls are not this step.
    prisma.analyticsRun.findFirst({ where: { workspaceId, source: 'playground' }, select: { id: true } }),
    prisma.promptVersion.findMany({
      where: { prompt: { workspaceId } },
      orderBy: { createdAt: 'desc' },
      take: ACTIVITY_ROWS,
      select: {
        version: true,
        message: true,
        author: true,
        createdAt: true,
        prompt: { select: { slug: true, name: true, archivedAt: true } },
      },
    }),
    prisma.auditEvent.findMany({
      where: { workspaceId },
      orderBy: { createdAt: 'desc' },
      take: ACTIVITY_ROWS,
    }),
  ]);

  const promptById = new Map(prompts.map((p) => [p.slug, p]));
  const production = productionLabels.flatMap((label): ProductionRow[] => {
    const prompt = promptById.get(label.prompt.slug);
    if (!prompt) return [];
    return [
      {
        promptId: prompt.slug,
        name: prompt.name,
        version: label.version,
        latestVersion: prompt.latestVersion,
        since: label.updatedAt.toISOString(),
      },
    ];
  });

  const names = await namesOf(prisma, [
    ...versions.flatMap((v) => (v.author ? [v.author] : [])),
    ...events.map((e) => e.actorEmail),
  ]);
  const subjectName = await subjectNamesOf(prisma, workspaceId, events, (slug) => promptById.get(slug)?.name);
  const promptName = (slug: string) => promptById.get(slug)?.name ?? slug;

  const activity: ActivityRow[] = [
    ...versions.map((v) => ({
      id: `version:${v.prompt.slug}:${v.version}`,
      actor: v.author ? (names.get(v.author.toLowerCase()) ?? v.author) : 'Someone',
      text:
        `saved ${v.prompt.name} v${v.version}` +
        (v.version === 1 ? ' (new prompt)' : '') +
        (v.message ? `: “${v.message}”` : ''),
      ...(v.prompt.archivedAt ? {} : { href: `/prompts/${v.prompt.slug}/history` }),
      at: v.createdAt.toISOString(),
    })),
    ...events.map((e) => {
      const [kind, id = ''] = splitSubject(e.subject);
      const details = e.details as Record<string, unknown>;
      return {
        id: e.id,
        actor: names.get(e.actorEmail.toLowerCase()) ?? e.actorEmail,
        text: describeEvent(e.action, details, {
          kind,
          subject: subjectName(kind, id, details),
          promptName,
        }),
        ...hrefOf(kind, id, details, promptById),
        at: e.createdAt.toISOString(),
      };
    }),
  ]
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, ACTIVITY_ROWS);

  return {
    counts: { prompts: prompts.length, inProduction: production.length, members },
    production: production.slice(0, PRODUCTION_ROWS),
    activity,
    done: {
      provider: realProviders > 0,
      prompt: prompts.length > 0,
      run: runs !== null,
      production: production.length > 0,
      teammate: members > 1,
    },
  };
}

async function namesOf(prisma: PrismaClient, emails: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(emails.map((e) => e.toLowerCase()))];
  if (unique.length === 0) return new Map();
  const users = await prisma.user.findMany({
    where: { email: { in: unique } },
    select: { email: true, name: true },
  });
  return new Map(users.map((u) => [u.email, u.name]));
}

function splitSubject(subject: string): [string, string?] {
  const colon = subject.indexOf(':');
  return colon < 0 ? [subject] : [subject.slice(0, colon), subject.slice(colon + 1)];
}

/** Where a feed entry links: a prompt's history, or the run (or runs) of a suite event. */
function hrefOf(
  kind: string,
  id: string,
  details: Record<string, unknown>,
  prompts: ReadonlyMap<string, unknown>,
): { href?: string } {
  if (kind === 'prompt' && prompts.has(id)) return { href: `/prompts/${id}/history` };
  if (kind === 'suite') {
    const run = typeof details.runId === 'string' ? `/${encodeURIComponent(details.runId)}` : '';
    return { href: `/suites/${encodeURIComponent(id)}/runs${run}` };
  }
  return {};
}

/**
 * The words for each event's subject: a prompt's or member's name, a webhook's URL, an
 * experiment's name (looked up now, so renames show), else the id the subject carries.
 */
async function subjectNamesOf(
  prisma: PrismaClient,
  workspaceId: string,
  events: { subject: string }[],
  promptName: (slug: string) => string | undefined,
): Promise<(kind: string, id: string, details: Record<string, unknown>) => string> {
  const idsOf = (kind: string) =>
    events.flatMap((e) => {
      const [k, id] = splitSubject(e.subject);
      return k === kind && id ? [id] : [];
    });
  const [users, webhooks, experiments] = await Promise.all([
    prisma.user.findMany({ where: { id: { in: idsOf('user') } }, select: { id: true, name: true } }),
    prisma.webhookEndpoint.findMany({
      where: { workspaceId, id: { in: idsOf('webhook') } },
      select: { id: true, url: true },
    }),
    prisma.experimentDefinition.findMany({
      where: { workspaceId, id: { in: idsOf('experiment') } },
      select: { id: true, name: true },
    }),
  ]);
  const found = {
    user: new Map(users.map((u) => [u.id, u.name])),
    webhook: new Map(webhooks.map((w) => [w.id, w.url])),
    experiment: new Map(experiments.flatMap((x) => (x.name ? [[x.id, `“${x.name}”`] as const] : []))),
  };
  return (kind, id, details) => {
    switch (kind) {
      case 'prompt':
        return promptName(id) ?? id;
      case 'user':
        return found.user.get(id) ?? 'a former member';
      case 'webhook':
        return found.webhook.get(id) ?? (typeof details.url === 'string' ? details.url : 'a removed webhook');
      case 'experiment':
        return found.experiment.get(id) ?? (typeof details.name === 'string' ? `“${details.name}”` : id);
      case 'suite':
        return typeof details.suiteName === 'string' ? `“${details.suiteName}”` : id;
      default:
        return id;
    }
  };
}

const version = (value: unknown) => (typeof value === 'number' ? `v${value}` : 'nothing');
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const quoted = (value: unknown) => (typeof value === 'string' ? ` “${value}”` : '');
/** The money in an event's details, as every cost in the studio is shown. */
const usd = (micros: unknown) => (typeof micros === 'number' ? formatDollars(micros) : 'an amount');

export interface EventContext {
  /** The subject's kind: the part of the audit subject before the colon (prompt, user, suite...). */
  kind: string;
  /** The subject in words: a prompt's or member's name, a webhook's URL, an experiment's name... */
  subject: string;
  /** A prompt's display name from its id, for events whose details name a prompt. */
  promptName: (id: string) => string;
}

/** One audit event in plain words (the actor's name goes before it). */
export function describeEvent(
  action: string,
  details: Record<string, unknown>,
  context: EventContext,
): string {
  const { subject } = context;
  const label = text(details.label) ?? 'a label';
  const { from, to } = details;
  const prompt = typeof details.promptId === 'string' ? context.promptName(details.promptId) : undefined;
  const onPrompt = prompt ? ` on ${prompt}` : '';
  const run = (v: unknown) => `${prompt ?? 'the prompt'} ${version(v)}`;
  switch (action) {
    case 'label.set': {
      const override = details.gateOverride ? ', overriding the release gate' : '';
      if (label === PRODUCTION && typeof from === 'number' && typeof to === 'number' && to < from)
        return `rolled back ${subject} from ${version(from)} to ${version(to)}${override}`;
      if (label === PRODUCTION) return `promoted ${subject} ${version(to)} to production${override}`;
      return `moved ${label} of ${subject} to ${version(to)}`;
    }
    case 'label.remove':
      return `removed ${label} from ${subject}`;
    case 'prompt.archive':
      return `archived ${subject}`;
    case 'prompt.unarchive':
      return `restored ${subject} from the archive`;
    case 'provider.update':
      if (details.created === true) return `added the provider ${subject}`;
      return `updated the provider ${subject}${details.apiKey === 'changed' ? ' and its API key' : ''}`;
    case 'provider.delete':
      return `removed the provider ${subject}`;
    case 'member.add':
      return `${details.returning === true ? 'added back' : 'added'} ${subject}${
        typeof details.role === 'string' ? ` as ${details.role}` : ''
      }`;
    case 'member.role':
      return typeof details.role === 'string'
        ? `made ${subject} ${/^[aeiou]/.test(details.role) ? 'an' : 'a'} ${details.role}`
        : `changed the role of ${subject}`;
    case 'member.remove':
      return `removed ${subject} from the workspace`;
    case 'member.unlock':
      return `lifted the sign-in pause of ${subject}`;
    case 'gate.update': {
      if (details.removed === true) return `turned off the release gate of ${subject}`;
      const rules = [
        typeof details.minPassRate === 'number'
          ? `at least ${Math.round(details.minPassRate * 100)}% passing`
          : '',
        details.requireNoRegression === true ? 'no regression' : '',
      ].filter(Boolean);
      return `set the release gate of ${subject}: suite${quoted(details.suiteName)}${
        rules.length ? `, ${rules.join(' and ')}` : ''
      }`;
    }
    case 'api_key.create':
      return `created API key${quoted(details.name)}`;
    case 'api_key.revoke':
      return `revoked API key${quoted(details.name)}`;
    case 'webhook.create':
      return `added a webhook to ${subject}`;
    case 'webhook.update':
      return `updated the webhook to ${subject}${details.enabled === false ? ' (disabled)' : ''}`;
    case 'webhook.delete':
      return `removed the webhook to ${subject}`;
    case 'webhook.secret_reveal':
      return `revealed the signing secret of the webhook to ${subject}`;
    case 'webhook.secret_rotate':
      return `rotated the signing secret of the webhook to ${subject}`;
    case 'webhook.test':
      return `sent a test event to ${subject}`;
    case 'webhook.redeliver':
      return `redelivered ${text(details.eventType) ?? 'an event'} to ${subject}`;
    case 'analytics.settings': {
      const zone = text(details.timeZone);
      const days = typeof details.retentionDays === 'number' ? `${details.retentionDays} days` : undefined;
      const parts = [zone ? `time zone ${zone}` : '', days ? `calls kept ${days}` : ''].filter(Boolean);
      return `changed the analytics settings${parts.length ? ` (${parts.join(', ')})` : ''}`;
    }
    // The subject of a price is "model:<provider>/<model>".
    case 'price.save':
      return `saved the price of ${subject}: ${usd(details.inputPerMillionMicros)} in, ${usd(
        details.outputPerMillionMicros,
      )} out per million tokens`;
    case 'price.delete':
      return `removed a price of ${subject}`;
    // A budget's subject is a prompt or the workspace; a removal records monthlyMicros null.
    case 'budget.save': {
      const of = context.kind === 'prompt' ? subject : 'the workspace';
      return details.monthlyMicros === null
        ? `removed the monthly budget of ${of}`
        : `set the monthly budget of ${of} to ${usd(details.monthlyMicros)}`;
    }
    case 'experiment.create':
      return `created experiment ${subject}${onPrompt}`;
    case 'experiment.start':
      return `started experiment ${subject}${onPrompt}`;
    case 'experiment.pause':
      return `paused experiment ${subject}`;
    case 'experiment.resume':
      return `resumed experiment ${subject}`;
    case 'experiment.stop':
      return `stopped experiment ${subject}${typeof details.reason === 'string' ? `: “${details.reason}”` : ''}`;
    case 'experiment.winner': {
      const winner = details.winner as { variant?: unknown; version?: unknown } | undefined;
      return `called a winner in experiment ${subject}: ${text(winner?.variant) ?? 'a variant'}${
        typeof winner?.version === 'number' ? ` (${version(winner.version)})` : ''
      }`;
    }
    case 'experiment.complete':
      return `completed experiment ${subject}${
        typeof details.variant === 'string' && typeof details.to === 'number'
          ? `, promoting ${details.variant} (${version(details.to)}) to ${label}`
          : ''
      }`;
    case 'suite_run.start': {
      const runs: unknown[] = Array.isArray(details.runs) ? details.runs : [];
      const versions = runs.map((r) => version((r as { promptVersion?: unknown }).promptVersion));
      if (versions.length === 0) return `started runs of suite ${subject}`;
      return `started ${versions.length === 1 ? 'a run' : `${versions.length} runs`} of suite ${subject} on ${
        prompt ?? 'the prompt'
      } ${versions.join(', ')}`;
    }
    case 'suite_run.cancel':
      return `cancelled a run of suite ${subject} on ${run(details.promptVersion)}`;
    case 'suite_run.review': {
      const where = `case${quoted(details.caseId)} of suite ${subject} (${run(details.promptVersion)})`;
      if (details.to === null) return `cleared the review of ${where}`;
      const override =
        details.to !== details.automated ? ` over the automated ${text(details.automated) ?? 'verdict'}` : '';
      const verdict = text(details.to);
      return `reviewed ${where}${verdict ? ` as ${verdict}` : ''}${override}${
        typeof details.reason === 'string' ? `: “${details.reason}”` : ''
      }`;
    }
    default:
      // An action from an old row this page has no words for still says what and on which subject.
      return `${action.replace(/[._]/g, ' ')} ${subject}`.trim();
  }
}
