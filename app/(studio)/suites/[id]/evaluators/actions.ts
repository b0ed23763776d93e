'use server';

import { defineAction } from '@/lib/server/action';
import { saveEvaluatorsSchema, saveSuiteEvaluators } from '@/lib/server/suites/suites';

/** Replaces the suite's evaluators (validated whole: regexes, schemas, judge rubrics) in a new revision. */
export const saveEvaluatorsAction = defineAction({
  name: 'saveEvaluators',
  schema: saveEvaluatorsSchema,
  permission: 'write',
  handler: ({ prisma, viewer, input }) => saveSuiteEvaluators(prisma, viewer, input),
});
