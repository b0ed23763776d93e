'use server';

import { z } from 'zod';
import { promptIdSchema } from '@/lib/loom/core';
import { LABEL_PATTERN, MAX_LABEL_LENGTH } from '@/lib/loom/registry';
import { defineAction } from '@/lib/server/action';
import { moveLabel, removeLabel, setOrdinaryLabel } from '@/lib/server/prompts/prompt-history';
import { saveGate } from '@/lib/server/suites/gate';
import { MAX_OVERRIDE_REASON, MIN_OVERRIDE_REASON } from '@/components/prompts/gate-types';

const labelSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(MAX_LABEL_LENGTH)
  .regex(LABEL_PATTERN, 'Use lowercase letters, digits, "_" and "-", starting with a letter or digit.');
const versionSchema = z.number().int().positive();

const overrideReasonSchema = z
  .string()
  .trim()
  .min(
    MIN_OVERRIDE_REASON,
    `Write why this version may skip the gate: at least ${MIN_OVERRIDE_REASON} characters.`,
  )
  .max(MAX_OVERRIDE_REASON, `Keep the reason under ${MAX_OVERRIDE_REASON} characters.`);

/**
 * Promote and roll back: both point production at a version, newer or older, through the release
 * gate. `overrideReason` (admins only) promotes a version that fails the gate and is audited.
 */
export const promoteVersionAction = defineAction({
  name: 'promoteVersion',
  schema: z.object({
    promptId: promptIdSchema,
    version: versionSchema,
    overrideReason: overrideReasonSchema.optional(),
  }),
  permission: 'promote',
  handler: ({ prisma, viewer, input }) => moveLabel(prisma, viewer, { ...input, label: 'production' }),
});

/** The prompt's release gate: admins set which suite's runs a version needs before production. */
export const saveGateAction = defineAction({
  name: 'saveGate',
  schema: z.object({
    promptId: promptIdSchema,
    suiteId: z.string().trim().min(1).max(100).nullable(),
    minPassRate: z
      .number({ error: 'Enter the minimum pass rate as a number.' })
      .min(0, 'The minimum pass rate must be between 0% and 100%.')
      .max(1, 'The minimum pass rate must be between 0% and 100%.')
      .nullable(),
    requireNoRegression: z.boolean(),
  }),
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => saveGate(prisma, viewer, input),
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
