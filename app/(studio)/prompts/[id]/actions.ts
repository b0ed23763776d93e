'use server';

import { defineAction } from '@/lib/server/action';
import { saveEditorVersion, saveVersionSchema } from '@/lib/server/prompts/editor';
import { getRegistry, getTemplateEngine } from '@/lib/server/loom';

/** Saves the editor's draft as a new version; a stale `expectedLatest` is refused with CONFLICT. */
export const saveVersionAction = defineAction({
  name: 'saveVersion',
  schema: saveVersionSchema,
  permission: 'write',
  handler: async ({ viewer, input }) =>
    saveEditorVersion(await getRegistry(viewer), getTemplateEngine(), input, viewer.email),
});
