import 'server-only';
import type { BudgetView } from '@/components/dashboards/types';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { budgetStatus } from './budgets';
import { promptNames } from './shared';

/** Level of a budget at a spend ratio: the banner warns from 80% and alarms from 100%. */
const levelOf = (ratio: number): BudgetView['level'] =>
  ratio >= 1 ? 'exceeded' : ratio >= 0.8 ? 'warning' : 'ok';

/**
 * This month's spend against each budget, as the overview and the settings show it: live from the
 * analytics store (budgetStatus), so a budget set below the spend shows at once; the alert job
 * (lib/server/analytics/budgets.ts) sends the webhook once per threshold and month.
 */
export async function loadBudgetViews(
  db: PrismaClient,
  workspaceId: string,
  now = new Date(),
): Promise<BudgetView[]> {
  const status = await budgetStatus(db, workspaceId, now);
  if (status.budgets.length === 0) return [];
  const names = await promptNames(
    db,
    workspaceId,
    status.budgets.flatMap((budget) => (budget.promptId ? [budget.promptId] : [])),
  );
  return status.budgets.map((budget) => ({
    promptId: budget.promptId ?? '',
    name: budget.promptId ? (names[budget.promptId] ?? budget.promptId) : 'Workspace',
    month: status.month,
    budgetMicros: budget.monthlyMicros,
    spentMicros: budget.spendMicros,
    unpricedRuns: budget.unpricedCount,
    ratio: budget.ratio,
    level: levelOf(budget.ratio),
  }));
}
