'use server';

import { defineAction } from '@/lib/server/action';
import { reviewCase, reviewCaseSchema } from '@/lib/server/suites/reviews';

/** Sets, replaces (verdict pass/fail) or clears (verdict null) a reviewer's verdict on one case. */
export const reviewCaseAction = defineAction({
  name: 'reviewCase',
  schema: reviewCaseSchema,
  permission: 'write',
  handler: ({ prisma, viewer, input }) => reviewCase(prisma, viewer, input),
});
