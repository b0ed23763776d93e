'use server';

import { defineAction } from '@/lib/server/action';
import { saveEditorVersion, saveVersionSchema } from '@/lib/server/prompts/editor';
import { getRegistry, getTemplateEngine } from '@/lib/server/loom';
import { assertRubricDraft } from '@/lib/server/suites/rubric';

/** Saves the editor's draft as a new version; a stale `expectedLatest` is refused with CONFLICT. */
export const saveVersionAction = defineAction({
  name: 'saveVersion',
  schema: saveVersionSchema,
  permission: 'write',
  handler: async ({ prisma, viewer, input }) => {
    // A suite's judge rubric must keep the variables the judge fills in (input, actual).
    await assertRubricDraft(prisma, viewer.workspaceId, input.id, input.draft);
    return saveEditorVersion(await getRegistry(viewer), getTemplateEngine(), input, viewer.email);
  },
});
