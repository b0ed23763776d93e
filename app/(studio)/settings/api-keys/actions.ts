'use server';

import { defineAction } from '@/lib/server/action';
import { createApiKey, createApiKeySchema, revokeApiKey, revokeApiKeySchema } from '@/lib/server/api/keys';

// API keys are created and revoked by admins only ('manage'); each action checks that itself.

export const createApiKeyAction = defineAction({
  name: 'createApiKey',
  schema: createApiKeySchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => createApiKey(prisma, viewer, input),
});

export const revokeApiKeyAction = defineAction({
  name: 'revokeApiKey',
  schema: revokeApiKeySchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => revokeApiKey(prisma, viewer, input.id),
});
