'use server';

import { z } from 'zod';
import { promptIdSchema } from '@/lib/loom/core';
import { defineAction } from '@/lib/server/action';
import { setArchived } from '@/lib/server/prompts/prompt-history';
import { importPrompts, importPromptsSchema } from '@/lib/server/prompts/prompt-transfer';

const promptRefSchema = z.object({ promptId: promptIdSchema });

export const importPromptsAction = defineAction({
  name: 'importPrompts',
  schema: importPromptsSchema,
  permission: 'write',
  handler: ({ prisma, viewer, input }) => importPrompts(prisma, viewer, input),
});

export const archivePromptAction = defineAction({
  name: 'archivePrompt',
  schema: promptRefSchema,
  permission: 'write',
  handler: ({ prisma, viewer, input }) =>
    setArchived(prisma, viewer, { promptId: input.promptId, archived: true }),
});

export const unarchivePromptAction = defineAction({
  name: 'unarchivePrompt',
  schema: promptRefSchema,
  permission: 'write',
  handler: ({ prisma, viewer, input }) =>
    setArchived(prisma, viewer, { promptId: input.promptId, archived: false }),
});
