'use server';

import { defineAction } from '@/lib/server/action';
import {
  cancelRun,
  cancelRunSchema,
  getRunQueue,
  startRuns,
  startRunsSchema,
} from '@/lib/server/suites/runs';

/** Starts one background run per chosen version, or refuses the whole start with what is wrong. */
export const startRunsAction = defineAction({
  name: 'startRuns',
  schema: startRunsSchema,
  permission: 'write',
  handler: async ({ viewer, input }) => startRuns(viewer, input, await getRunQueue()),
});

/** Cancels a queued run at once, or asks a running one to stop (its finished cases are kept). */
export const cancelRunAction = defineAction({
  name: 'cancelRun',
  schema: cancelRunSchema,
  permission: 'write',
  handler: ({ viewer, input }) => cancelRun(viewer, input.runId),
});
