'use server';

import { z } from 'zod';
import { defineAction } from '@/lib/server/action';
import { caseDraftSchema } from '@/lib/server/suites/suite-cases';
import {
  deleteCasesSchema,
  deleteSuiteCases,
  getSuite,
  renameSuite,
  renameSuiteSchema,
  saveCaseSchema,
  saveSuiteCase,
} from '@/lib/server/suites/suites';

/** Adds or edits one case; a new revision, refused with CONFLICT when `expectedRevision` is stale. */
export const saveCaseAction = defineAction({
  name: 'saveCase',
  schema: saveCaseSchema,
  permission: 'write',
  handler: ({ prisma, viewer, input }) => saveSuiteCase(prisma, viewer, input),
});

export const deleteCasesAction = defineAction({
  name: 'deleteCases',
  schema: deleteCasesSchema,
  permission: 'write',
  handler: ({ prisma, viewer, input }) => deleteSuiteCases(prisma, viewer, input),
});

export const renameSuiteAction = defineAction({
  name: 'renameSuite',
  schema: renameSuiteSchema,
  permission: 'write',
  handler: ({ prisma, viewer, input }) => renameSuite(prisma, viewer, input),
});

/** The playground's "Save as test case": appends a case to the suite's latest revision. */
export const saveTestCaseAction = defineAction({
  name: 'saveTestCase',
  schema: z.object({ suiteId: z.string().min(1).max(100), case: caseDraftSchema }),
  permission: 'write',
  handler: async ({ prisma, viewer, input }) => {
    const suite = await getSuite(prisma, viewer.workspaceId, input.suiteId);
    const saved = await saveSuiteCase(prisma, viewer, {
      suiteId: suite.id,
      expectedRevision: suite.revision,
      message: 'Saved from the playground',
      case: input.case,
    });
    return { ...saved, suiteName: suite.name };
  },
});
