'use server';

import { z } from 'zod';
import { promptIdSchema } from '@/lib/loom/core';
import { LABEL_PATTERN, MAX_LABEL_LENGTH } from '@/lib/loom/registry';
import { defineAction } from '@/lib/server/action';
import { moveLabel, removeLabel, setOrdinaryLabel } from '@/lib/server/prompts/prompt-history';

const labelSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(MAX_LABEL_LENGTH)
  .regex(LABEL_PATTERN, 'Use lowercase letters, digits, "_" and "-", starting with a letter or digit.');
const versionSchema = z.number().int().positive();

/** Promote and roll back: both point production at a version, newer or older. */
export const promoteVersionAction = defineAction({
  name: 'promoteVersion',
  schema: z.object({ promptId: promptIdSchema, version: versionSchema }),
  permission: 'promote',
  handler: ({ prisma, viewer, input }) => moveLabel(prisma, viewer, { ...input, label: 'production' }),
});

/** Ordinary labels only: production and other protected labels are refused with a pointer to Promote. */
export const setLabelAction = defineAction({
  name: 'setLabel',
  schema: z.object({ promptId: promptIdSchema, label: labelSchema, version: versionSchema }),
  permission: 'write',
  handler: ({ prisma, viewer, input }) => setOrdinaryLabel(prisma, viewer, input),
});

export const removeLabelAction = defineAction({
  name: 'removeLabel',
  schema: z.object({ promptId: promptIdSchema, label: labelSchema }),
  permission: 'write',
  handler: ({ prisma, viewer, input }) => removeLabel(prisma, viewer, input),
});
