'use server';

import { defineAction } from '@/lib/server/action';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  redeliverWebhook,
  revealWebhookSecret,
  rotateWebhookSecret,
  sendWebhookTest,
  updateWebhookEndpoint,
  webhookDeliveryRefSchema,
  webhookEndpointDraftSchema,
  webhookEndpointRefSchema,
  webhookEndpointUpdateSchema,
} from '@/lib/server/webhooks/endpoints';

// Webhook endpoints are admin-only ('manage'); each action checks that itself.

export const createWebhookEndpointAction = defineAction({
  name: 'createWebhookEndpoint',
  schema: webhookEndpointDraftSchema,
  permission: 'manage',
  handler: async ({ prisma, viewer, input }) => {
    const { endpoint, secret } = await createWebhookEndpoint(prisma, viewer, input);
    return { id: endpoint.id, secret };
  },
});

export const updateWebhookEndpointAction = defineAction({
  name: 'updateWebhookEndpoint',
  schema: webhookEndpointUpdateSchema,
  permission: 'manage',
  handler: async ({ prisma, viewer, input }) => ({
    id: (await updateWebhookEndpoint(prisma, viewer, input)).id,
  }),
});

export const deleteWebhookEndpointAction = defineAction({
  name: 'deleteWebhookEndpoint',
  schema: webhookEndpointRefSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => deleteWebhookEndpoint(prisma, viewer, input.id),
});

export const revealWebhookSecretAction = defineAction({
  name: 'revealWebhookSecret',
  schema: webhookEndpointRefSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => revealWebhookSecret(prisma, viewer, input.id),
});

export const rotateWebhookSecretAction = defineAction({
  name: 'rotateWebhookSecret',
  schema: webhookEndpointRefSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => rotateWebhookSecret(prisma, viewer, input.id),
});

export const sendWebhookTestAction = defineAction({
  name: 'sendWebhookTest',
  schema: webhookEndpointRefSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => sendWebhookTest(prisma, viewer, input.id),
});

export const redeliverWebhookAction = defineAction({
  name: 'redeliverWebhook',
  schema: webhookDeliveryRefSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => redeliverWebhook(prisma, viewer, input.deliveryId),
});
