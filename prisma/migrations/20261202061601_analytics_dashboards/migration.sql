-- The rollups gain source, provider and API key dimensions and an unpriced count they never kept:
-- empty them and reset the rollup watermark, so the next rollup job refolds every raw run (none
-- was ever pruned before this migration) with the new dimensions.
DELETE FROM "AnalyticsHourly";
DELETE FROM "AnalyticsHourlyTotal";
DELETE FROM "AnalyticsDailyPrompt";
DELETE FROM "AnalyticsDailyTotal";
DELETE FROM "AnalyticsRollupState";

-- DropIndex
DROP INDEX "AnalyticsDailyPrompt_totals_idx";

-- DropIndex
DROP INDEX "AnalyticsHourly_totals_idx";

-- AlterTable
ALTER TABLE "AnalyticsDailyPrompt" DROP CONSTRAINT "AnalyticsDailyPrompt_pkey",
ADD COLUMN     "source" TEXT NOT NULL,
ADD COLUMN     "unpriced" INTEGER NOT NULL,
ADD CONSTRAINT "AnalyticsDailyPrompt_pkey" PRIMARY KEY ("workspaceId", "start", "promptId", "source");

-- AlterTable
ALTER TABLE "AnalyticsDailyTotal" DROP CONSTRAINT "AnalyticsDailyTotal_pkey",
ADD COLUMN     "source" TEXT NOT NULL,
ADD COLUMN     "unpriced" INTEGER NOT NULL,
ADD CONSTRAINT "AnalyticsDailyTotal_pkey" PRIMARY KEY ("workspaceId", "start", "source");

-- AlterTable
ALTER TABLE "AnalyticsHourly" DROP CONSTRAINT "AnalyticsHourly_pkey",
ADD COLUMN     "apiKeyId" TEXT NOT NULL,
ADD COLUMN     "provider" TEXT NOT NULL,
ADD COLUMN     "source" TEXT NOT NULL,
ADD COLUMN     "unpriced" INTEGER NOT NULL,
ADD CONSTRAINT "AnalyticsHourly_pkey" PRIMARY KEY ("workspaceId", "start", "promptId", "version", "model", "provider", "source", "apiKeyId");

-- AlterTable
ALTER TABLE "AnalyticsHourlyTotal" DROP CONSTRAINT "AnalyticsHourlyTotal_pkey",
ADD COLUMN     "source" TEXT NOT NULL,
ADD COLUMN     "unpriced" INTEGER NOT NULL,
ADD CONSTRAINT "AnalyticsHourlyTotal_pkey" PRIMARY KEY ("workspaceId", "start", "source");

-- AlterTable
ALTER TABLE "AnalyticsRun" ALTER COLUMN "costMicros" DROP NOT NULL;

-- CreateTable
CREATE TABLE "AnalyticsDailyModel" (
    "workspaceId" TEXT NOT NULL,
    "start" TIMESTAMP(3) NOT NULL,
    "model" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "successes" INTEGER NOT NULL,
    "inputTokens" BIGINT NOT NULL,
    "outputTokens" BIGINT NOT NULL,
    "costMicros" BIGINT NOT NULL,
    "unpriced" INTEGER NOT NULL,
    "latencySum" DOUBLE PRECISION NOT NULL,
    "latencyMin" DOUBLE PRECISION NOT NULL,
    "latencyMax" DOUBLE PRECISION NOT NULL,
    "latencyZero" INTEGER NOT NULL,
    "latencyBuckets" TEXT NOT NULL,

    CONSTRAINT "AnalyticsDailyModel_pkey" PRIMARY KEY ("workspaceId","start","model","provider","source","apiKeyId")
);

-- CreateTable
CREATE TABLE "AnalyticsSettings" (
    "workspaceId" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "retentionDays" INTEGER NOT NULL DEFAULT 90,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AnalyticsSettings_pkey" PRIMARY KEY ("workspaceId")
);

-- CreateTable
CREATE TABLE "AnalyticsModelPrice" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "inputPerMillion" BIGINT NOT NULL,
    "outputPerMillion" BIGINT NOT NULL,
    "effectiveFrom" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT,

    CONSTRAINT "AnalyticsModelPrice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AnalyticsBudget" (
    "workspaceId" TEXT NOT NULL,
    "promptId" TEXT NOT NULL,
    "monthlyMicros" BIGINT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedBy" TEXT,

    CONSTRAINT "AnalyticsBudget_pkey" PRIMARY KEY ("workspaceId","promptId")
);

-- CreateTable
CREATE TABLE "AnalyticsBudgetAlert" (
    "workspaceId" TEXT NOT NULL,
    "promptId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "threshold" INTEGER NOT NULL,
    "spendMicros" BIGINT NOT NULL,
    "budgetMicros" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AnalyticsBudgetAlert_pkey" PRIMARY KEY ("workspaceId","promptId","month","threshold")
);

-- CreateIndex
CREATE INDEX "AnalyticsDailyModel_totals_idx" ON "AnalyticsDailyModel"("workspaceId", "start", "model", "provider", "source", "apiKeyId", "count", "successes", "inputTokens", "outputTokens", "costMicros", "unpriced");

-- CreateIndex
CREATE INDEX "AnalyticsModelPrice_workspaceId_model_idx" ON "AnalyticsModelPrice"("workspaceId", "model");

-- CreateIndex
CREATE UNIQUE INDEX "AnalyticsModelPrice_workspaceId_provider_model_effectiveFro_key" ON "AnalyticsModelPrice"("workspaceId", "provider", "model", "effectiveFrom");

-- CreateIndex
CREATE INDEX "AnalyticsDailyPrompt_totals_idx" ON "AnalyticsDailyPrompt"("workspaceId", "start", "promptId", "source", "count", "successes", "inputTokens", "outputTokens", "costMicros", "unpriced");

-- CreateIndex
CREATE INDEX "AnalyticsHourly_totals_idx" ON "AnalyticsHourly"("workspaceId", "start", "promptId", "version", "model", "provider", "source", "apiKeyId", "count", "successes", "inputTokens", "outputTokens", "costMicros", "unpriced");
