'use server';

import { z } from 'zod';
import { defineAction } from '@/lib/server/action';
import { promoteWinner } from '@/lib/server/experiments/promote';
import {
  changeExperimentPhase,
  createExperiment,
  experimentSetupSchema,
  MAX_STOP_REASON,
} from '@/lib/server/experiments/setup';

const experimentIdSchema = z.string().trim().min(1).max(200);

/** A draft experiment; it serves nothing until started. */
export const createExperimentAction = defineAction({
  name: 'createExperiment',
  schema: experimentSetupSchema,
  permission: 'write',
  handler: ({ prisma, viewer, input }) => createExperiment(prisma, viewer, input),
});

/** Start, pause, resume, stop (with a reason): roles that may promote only. */
export const changeExperimentPhaseAction = defineAction({
  name: 'changeExperimentPhase',
  schema: z.object({
    id: experimentIdSchema,
    action: z.enum(['start', 'pause', 'resume', 'stop']),
    reason: z
      .string()
      .trim()
      .max(MAX_STOP_REASON, `Keep the reason under ${MAX_STOP_REASON} characters.`)
      .optional(),
  }),
  permission: 'promote',
  handler: ({ prisma, viewer, input }) => changeExperimentPhase(prisma, viewer, input),
});

/** Moves production to the winner through the manual promote's path and completes the experiment. */
export const promoteWinnerAction = defineAction({
  name: 'promoteWinner',
  schema: z.object({ experimentId: experimentIdSchema }),
  permission: 'promote',
  handler: ({ prisma, viewer, input }) => promoteWinner(prisma, viewer, input),
});
