import 'server-only';
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
  const memberIds = events.flatMap((e) => (e.subject.startsWith('user:') ? [e.subject.slice(5)] : []));
  const memberNames = new Map(
    (await prisma.user.findMany({ where: { id: { in: memberIds } }, select: { id: true, name: true } })).map(
      (u) => [u.id, u.name],
    ),
  );
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
      const [kind, subject = ''] = splitSubject(e.subject);
      return {
        id: e.id,
        actor: names.get(e.actorEmail.toLowerCase()) ?? e.actorEmail,
        text: describeEvent(e.action, e.details as Record<string, unknown>, {
          prompt: promptName(subject),
          member: kind === 'user' ? (memberNames.get(subject) ?? 'a former member') : subject,
          provider: subject,
        }),
        ...(kind === 'prompt' && promptById.has(subject) ? { href: `/prompts/${subject}/history` } : {}),
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

const version = (value: unknown) => (typeof value === 'number' ? `v${value}` : 'nothing');

/** One audit event in plain words (the actor's name goes before it). */
export function describeEvent(
  action: string,
  details: Record<string, unknown>,
  names: { prompt: string; member: string; provider: string },
): string {
  const label = typeof details.label === 'string' ? details.label : 'a label';
  const { from, to } = details;
  switch (action) {
    case 'label.set':
      if (label === PRODUCTION && typeof from === 'number' && typeof to === 'number' && to < from)
        return `rolled back ${names.prompt} from ${version(from)} to ${version(to)}`;
      if (label === PRODUCTION) return `promoted ${names.prompt} ${version(to)} to production`;
      return `moved ${label} of ${names.prompt} to ${version(to)}`;
    case 'label.remove':
      return `removed ${label} from ${names.prompt}`;
    case 'prompt.archive':
      return `archived ${names.prompt}`;
    case 'prompt.unarchive':
      return `restored ${names.prompt} from the archive`;
    case 'provider.update':
      return `updated the provider ${names.provider}`;
    case 'provider.delete':
      return `removed the provider ${names.provider}`;
    case 'member.add':
      return `added ${names.member}${typeof details.role === 'string' ? ` as ${details.role}` : ''}`;
    case 'member.role':
      return typeof details.role === 'string'
        ? `made ${names.member} ${/^[aeiou]/.test(details.role) ? 'an' : 'a'} ${details.role}`
        : `changed the role of ${names.member}`;
    case 'member.remove':
      return `removed ${names.member} from the workspace`;
    // Analytics: the subject of a price is "model:<provider>/<model>", of a budget a prompt or the workspace.
    case 'price.save':
      return `set the price of ${names.provider}`;
    case 'price.delete':
      return `removed a price of ${names.provider}`;
    case 'budget.save':
      return `${details.monthlyMicros === null ? 'removed' : 'set'} the monthly budget of ${
        typeof details.promptId === 'string' ? names.prompt : 'the workspace'
      }`;
    case 'analytics.settings':
      return 'changed the analytics settings';
    default:
      // An action this page has no words for yet still says what and on which subject.
      return `${action.replace(/[._]/g, ' ')} ${names.provider}`.trim();
  }
}
