import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { invalidField } from '@/lib/loom/core';
import type { LabelMove } from '@/lib/loom/registry';
import { writeAudit } from '../audit';
import { inRegistryTransaction, promptSubject } from '../prompts/prompt-history';
import type { ApiPrincipal } from './keys';

/**
 * Moves a label with an API key (scope prompts:write), as a deploy pipeline promotes a version: in
 * one transaction with its audit event, through the studio's registry, so the release gate guards
 * `production`, webhooks fire and every instance serves the new version once it is committed.
 */
export async function moveLabelWithKey(
  db: PrismaClient,
  principal: ApiPrincipal,
  input: { promptId: string; label: string; version: number },
): Promise<LabelMove> {
  if (input.label === 'latest') {
    throw invalidField('label', '"latest" always names the newest version; it cannot be moved.');
  }
  const actor = { workspaceId: principal.workspaceId, userId: null, email: `api key ${principal.name}` };
  return inRegistryTransaction(db, principal.workspaceId, async (registry, tx) => {
    const move = await registry.setLabel(input.promptId, input.label, input.version, { actor: actor.email });
    await writeAudit(tx, actor, 'label.set', promptSubject(input.promptId), {
      label: move.label,
      from: move.from ?? null,
      to: move.to,
      apiKey: principal.keyId,
    });
    return move;
  });
}
