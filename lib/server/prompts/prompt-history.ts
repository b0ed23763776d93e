import 'server-only';
import { stringify } from 'yaml';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import { LoomError, type PromptData } from '@/lib/loom/core';
import type { LabelMove, LabelRemoval, PromptRegistry } from '@/lib/loom/registry';
import { isProtectedLabel, type AuditRow, type VersionRow } from '@/components/prompts/types';
import { listAudit, writeAudit } from '../audit';
import { can } from '../auth/permissions';
import { createStudioRegistry, invalidateServedPrompts, trackChangedPrompts } from '../loom';
import { assertMayOverride, type GateOverride, type OverriddenCheck } from '../suites/gate';
import type { Viewer } from '../auth/session';
import { sortKeys } from '../sort-keys';
import { flushWebhookBatch, type WebhookBatch } from '../webhooks/nudge';

type Actor = Pick<Viewer, 'workspaceId' | 'userId' | 'email' | 'role'>;

/**
 * Runs `fn` with a registry whose writes join ONE database transaction, together with whatever
 * `fn` writes through `tx` (the audit event, the webhook outbox rows): all commit, or none does.
 * The Prisma registry opens its own transaction per call; inside ours, that call simply runs on our
 * transaction client. Webhook delivery is nudged, and the prompts' served documents dropped, after
 * the commit.
 */
export async function inRegistryTransaction<T>(
  prisma: PrismaClient,
  workspaceId: string,
  fn: (registry: PromptRegistry, tx: Prisma.TransactionClient) => Promise<T>,
  options: { gateOverride?: GateOverride } = {},
): Promise<T> {
  const webhooks: WebhookBatch = { queued: 0 };
  const changed = new Set<string>();
  const result = await prisma.$transaction(async (tx) => {
    const joined = new Proxy(tx, {
      get(target, property) {
        if (property === '$transaction') {
          return (inner: (client: Prisma.TransactionClient) => Promise<unknown>) => inner(target);
        }
        return Reflect.get(target, property, target) as unknown;
      },
    }) as unknown as PrismaClient;
    return fn(
      trackChangedPrompts(createStudioRegistry(joined, workspaceId, { ...options, webhooks }), changed),
      tx,
    );
  });
  flushWebhookBatch(webhooks);
  // Only now, committed, may readers reload the changed prompts (before, they would cache the old ones).
  await invalidateServedPrompts(workspaceId, changed);
  return result;
}

export const promptSubject = (id: string) => `prompt:${id}`;

/** Production is the label applications serve: moving it needs `promote`, other labels `write`. */
function assertMayMove(actor: Actor, label: string): void {
  const permission = label === 'production' ? 'promote' : 'write';
  if (!can(actor.role, permission)) {
    throw new LoomError('FORBIDDEN', `Your role (${actor.role}) may not move the "${label}" label.`, {
      label,
    });
  }
}

/**
 * "Set label" and "remove" take ordinary labels only: production moves through Promote and
 * Roll back, which the studio confirms, so a typed label never moves what applications serve.
 */
function assertOrdinary(label: string, verb: 'set' | 'remove'): void {
  if (!isProtectedLabel(label)) return;
  const message =
    verb === 'set'
      ? `"${label}" moves only through Promote or Roll back on the version's row, which ask for confirmation.`
      : `"${label}" cannot be removed; promote or roll back to another version instead.`;
  throw new LoomError('INVALID_INPUT', message, { issues: [{ path: 'label', message }] });
}

/** "Set label": points an ordinary (not protected) label at a version. */
export function setOrdinaryLabel(
  prisma: PrismaClient,
  actor: Actor,
  input: { promptId: string; label: string; version: number },
): Promise<LabelMove> {
  assertOrdinary(input.label, 'set');
  return moveLabel(prisma, actor, input);
}

/** What a caller such as Promote winner adds to a move, inside its transaction. */
export interface MoveLabelOptions {
  /** Runs first: a claim that must hold for the move to happen (throw to abort it). */
  before?: (tx: Prisma.TransactionClient) => Promise<void>;
  /** Runs after the move and its audit entry, before commit. */
  after?: (tx: Prisma.TransactionClient, move: LabelMove) => Promise<void>;
  /** Merged into the `label.set` audit entry, e.g. the experiment that caused the move. */
  auditDetails?: Record<string, unknown>;
}

/**
 * Points `label` at `version` and records who moved it from where to where, atomically. A move of
 * production passes the prompt's release gate (lib/server/suites/gate.ts) or fails GATE_FAILED;
 * an admin may override a failing gate with a reason, which the audit event keeps with the checks
 * that failed.
 */
export async function moveLabel(
  prisma: PrismaClient,
  actor: Actor,
  input: { promptId: string; label: string; version: number; overrideReason?: string },
  options: MoveLabelOptions = {},
): Promise<LabelMove> {
  assertMayMove(actor, input.label);
  const reason =
    input.overrideReason === undefined
      ? undefined
      : assertMayOverride(actor, input.label, input.overrideReason);
  let overridden: OverriddenCheck[] | undefined;
  const gateOverride =
    reason === undefined
      ? undefined
      : { reason, onOverride: (failed: OverriddenCheck[]) => (overridden = failed) };
  return inRegistryTransaction(
    prisma,
    actor.workspaceId,
    async (registry, tx) => {
      await options.before?.(tx);
      const move = await registry.setLabel(input.promptId, input.label, input.version, {
        actor: actor.email,
      });
      await writeAudit(tx, actor, 'label.set', promptSubject(input.promptId), {
        label: move.label,
        from: move.from ?? null,
        to: move.to,
        ...options.auditDetails,
        ...(overridden ? { gateOverride: { reason, failedChecks: overridden } } : {}),
      });
      await options.after?.(tx, move);
      return move;
    },
    gateOverride ? { gateOverride } : {},
  );
}

export async function removeLabel(
  prisma: PrismaClient,
  actor: Actor,
  input: { promptId: string; label: string },
): Promise<LabelRemoval> {
  assertMayMove(actor, input.label);
  assertOrdinary(input.label, 'remove');
  return inRegistryTransaction(prisma, actor.workspaceId, async (registry, tx) => {
    const removal = await registry.removeLabel(input.promptId, input.label, { actor: actor.email });
    if (removal.from === undefined) {
      throw new LoomError('NOT_FOUND', `Prompt "${input.promptId}" has no label "${input.label}".`, {
        label: input.label,
      });
    }
    await writeAudit(tx, actor, 'label.remove', promptSubject(input.promptId), {
      label: removal.label,
      from: removal.from,
    });
    return removal;
  });
}

export async function setArchived(
  prisma: PrismaClient,
  actor: Actor,
  input: { promptId: string; archived: boolean },
): Promise<void> {
  await inRegistryTransaction(prisma, actor.workspaceId, async (registry, tx) => {
    if (input.archived) await registry.archive(input.promptId);
    else await registry.unarchive(input.promptId);
    await writeAudit(
      tx,
      actor,
      input.archived ? 'prompt.archive' : 'prompt.unarchive',
      promptSubject(input.promptId),
    );
  });
}

/** The History tab's data: every version newest first, and the prompt's audit log. */
export async function loadHistory(
  prisma: PrismaClient,
  registry: PromptRegistry,
  workspaceId: string,
  promptId: string,
): Promise<{ versions: VersionRow[]; audit: AuditRow[] }> {
  const [versions, audit] = await Promise.all([
    registry.listVersions(promptId),
    listAudit(prisma, workspaceId, { subject: promptSubject(promptId) }),
  ]);
  return {
    versions: versions.map((v) => ({
      version: v.version,
      author: v.author ?? null,
      message: v.message ?? null,
      createdAt: v.createdAt.toISOString(),
      labels: v.labels,
    })),
    audit: audit.map((a) => ({
      id: a.id,
      actorEmail: a.actorEmail,
      action: a.action,
      details: a.details,
      createdAt: a.createdAt.toISOString(),
    })),
  };
}

/**
 * The text the diff compares: every part of a version (settings, variables, templates, examples,
 * metadata) as YAML in a fixed order with nested keys sorted, so two versions differ only where
 * their content does. Who saved it, when and why are shown beside the diff, not in it.
 */
export function canonicalVersionText(data: PromptData): string {
  const content = {
    id: data.id,
    name: data.name,
    description: data.description,
    tags: data.tags,
    model: sortKeys(data.model),
    variables: sortKeys(data.variables),
    system: data.system,
    user: data.user,
    examples: sortKeys(data.examples),
    metadata: sortKeys(data.metadata),
  };
  return stringify(content, { lineWidth: 0, blockQuote: 'literal', aliasDuplicateObjects: false });
}
