'use server';

import { defineAction } from '@/lib/server/action';
import { createSuite, createSuiteSchema } from '@/lib/server/suites/suites';

/** Creates a suite aimed at a prompt, at revision 1 with an exact-match evaluator. */
export const createSuiteAction = defineAction({
  name: 'createSuite',
  schema: createSuiteSchema,
  permission: 'write',
  handler: ({ prisma, viewer, input }) => createSuite(prisma, viewer, input),
});
