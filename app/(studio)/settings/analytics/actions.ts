'use server';

import { budgetInputSchema, budgetRefSchema, deleteBudget, saveBudget } from '@/lib/server/analytics/budgets';
import {
  deleteModelPrice,
  modelPriceInputSchema,
  modelPriceRefSchema,
  saveModelPrice,
} from '@/lib/server/analytics/prices';
import { analyticsSettingsSchema, saveAnalyticsSettings } from '@/lib/server/analytics/settings';
import { defineAction } from '@/lib/server/action';

// Prices, budgets and the workspace's analytics settings are admin-only ('manage'); each action
// checks that itself.

export const saveModelPriceAction = defineAction({
  name: 'saveModelPrice',
  schema: modelPriceInputSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => saveModelPrice(prisma, viewer, input),
});

export const deleteModelPriceAction = defineAction({
  name: 'deleteModelPrice',
  schema: modelPriceRefSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => deleteModelPrice(prisma, viewer, input.id),
});

export const saveBudgetAction = defineAction({
  name: 'saveBudget',
  schema: budgetInputSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => saveBudget(prisma, viewer, input),
});

export const deleteBudgetAction = defineAction({
  name: 'deleteBudget',
  schema: budgetRefSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => deleteBudget(prisma, viewer, input.promptId || undefined),
});

export const saveAnalyticsSettingsAction = defineAction({
  name: 'saveAnalyticsSettings',
  schema: analyticsSettingsSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => saveAnalyticsSettings(prisma, viewer, input),
});
