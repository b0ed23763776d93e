-- DropIndex
DROP INDEX "AnalyticsRun_workspaceId_txid_id_idx";

-- AlterTable
ALTER TABLE "AnalyticsDailyPrompt" ALTER COLUMN "latencyBuckets" SET DATA TYPE TEXT;

-- AlterTable
ALTER TABLE "AnalyticsDailyTotal" ALTER COLUMN "latencyBuckets" SET DATA TYPE TEXT;

-- AlterTable
ALTER TABLE "AnalyticsHourly" ALTER COLUMN "latencyBuckets" SET DATA TYPE TEXT;

-- AlterTable
ALTER TABLE "AnalyticsHourlyTotal" ALTER COLUMN "latencyBuckets" SET DATA TYPE TEXT;

-- AlterTable
ALTER TABLE "AnalyticsRollupState" DROP COLUMN "txid";

-- AlterTable
ALTER TABLE "AnalyticsRun" DROP COLUMN "txid";

-- CreateIndex
CREATE INDEX "AnalyticsRun_workspaceId_id_idx" ON "AnalyticsRun"("workspaceId", "id");
