'use server';

import { defineAction } from '@/lib/server/action';
import {
  deleteProviderConfig,
  providerDraftSchema,
  providerRefSchema,
  saveProviderConfig,
  testProviderDraft,
  testSavedProvider,
} from '@/lib/server/providers';

// Provider settings are admin-only ('manage'); each action checks that itself.

export const saveProviderAction = defineAction({
  name: 'saveProvider',
  schema: providerDraftSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => saveProviderConfig(prisma, viewer, input),
});

export const deleteProviderAction = defineAction({
  name: 'deleteProvider',
  schema: providerRefSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => deleteProviderConfig(prisma, viewer, input.name),
});

export const testProviderAction = defineAction({
  name: 'testProvider',
  schema: providerRefSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => testSavedProvider(prisma, viewer, input.name),
});

export const testProviderDraftAction = defineAction({
  name: 'testProviderDraft',
  schema: providerDraftSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => testProviderDraft(prisma, viewer, input),
});
