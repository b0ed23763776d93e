-- CreateTable
CREATE TABLE "AnalyticsRun" (
    "id" BIGSERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "txid" BIGINT NOT NULL DEFAULT ((pg_current_xact_id())::text)::bigint,
    "at" TIMESTAMP(3) NOT NULL,
    "promptId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "model" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "latencyMs" DOUBLE PRECISION NOT NULL,
    "inputTokens" INTEGER NOT NULL,
    "outputTokens" INTEGER NOT NULL,
    "costMicros" BIGINT NOT NULL,
    "success" BOOLEAN NOT NULL,
    "errorKind" TEXT,
    "experimentId" TEXT,
    "variant" TEXT,

    CONSTRAINT "AnalyticsRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AnalyticsRollupState" (
    "workspaceId" TEXT NOT NULL,
    "txid" BIGINT NOT NULL,
    "lastId" BIGINT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AnalyticsRollupState_pkey" PRIMARY KEY ("workspaceId")
);

-- CreateTable
CREATE TABLE "AnalyticsHourly" (
    "workspaceId" TEXT NOT NULL,
    "start" TIMESTAMP(3) NOT NULL,
    "promptId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "model" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "successes" INTEGER NOT NULL,
    "inputTokens" BIGINT NOT NULL,
    "outputTokens" BIGINT NOT NULL,
    "costMicros" BIGINT NOT NULL,
    "latencySum" DOUBLE PRECISION NOT NULL,
    "latencyMin" DOUBLE PRECISION NOT NULL,
    "latencyMax" DOUBLE PRECISION NOT NULL,
    "latencyZero" INTEGER NOT NULL,
    "latencyBuckets" JSONB NOT NULL,

    CONSTRAINT "AnalyticsHourly_pkey" PRIMARY KEY ("workspaceId","start","promptId","version","model")
);

-- CreateTable
CREATE TABLE "AnalyticsHourlyTotal" (
    "workspaceId" TEXT NOT NULL,
    "start" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL,
    "successes" INTEGER NOT NULL,
    "inputTokens" BIGINT NOT NULL,
    "outputTokens" BIGINT NOT NULL,
    "costMicros" BIGINT NOT NULL,
    "latencySum" DOUBLE PRECISION NOT NULL,
    "latencyMin" DOUBLE PRECISION NOT NULL,
    "latencyMax" DOUBLE PRECISION NOT NULL,
    "latencyZero" INTEGER NOT NULL,
    "latencyBuckets" JSONB NOT NULL,

    CONSTRAINT "AnalyticsHourlyTotal_pkey" PRIMARY KEY ("workspaceId","start")
);

-- CreateTable
CREATE TABLE "AnalyticsDailyPrompt" (
    "workspaceId" TEXT NOT NULL,
    "start" TIMESTAMP(3) NOT NULL,
    "promptId" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "successes" INTEGER NOT NULL,
    "inputTokens" BIGINT NOT NULL,
    "outputTokens" BIGINT NOT NULL,
    "costMicros" BIGINT NOT NULL,
    "latencySum" DOUBLE PRECISION NOT NULL,
    "latencyMin" DOUBLE PRECISION NOT NULL,
    "latencyMax" DOUBLE PRECISION NOT NULL,
    "latencyZero" INTEGER NOT NULL,
    "latencyBuckets" JSONB NOT NULL,

    CONSTRAINT "AnalyticsDailyPrompt_pkey" PRIMARY KEY ("workspaceId","start","promptId")
);

-- CreateTable
CREATE TABLE "AnalyticsDailyTotal" (
    "workspaceId" TEXT NOT NULL,
    "start" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL,
    "successes" INTEGER NOT NULL,
    "inputTokens" BIGINT NOT NULL,
    "outputTokens" BIGINT NOT NULL,
    "costMicros" BIGINT NOT NULL,
    "latencySum" DOUBLE PRECISION NOT NULL,
    "latencyMin" DOUBLE PRECISION NOT NULL,
    "latencyMax" DOUBLE PRECISION NOT NULL,
    "latencyZero" INTEGER NOT NULL,
    "latencyBuckets" JSONB NOT NULL,

    CONSTRAINT "AnalyticsDailyTotal_pkey" PRIMARY KEY ("workspaceId","start")
);

-- CreateTable
CREATE TABLE "ExperimentDefinition" (
    "workspaceId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "promptId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ExperimentDefinition_pkey" PRIMARY KEY ("workspaceId","id")
);

-- CreateTable
CREATE TABLE "ExperimentExposure" (
    "seq" BIGSERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "exposedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExperimentExposure_pkey" PRIMARY KEY ("workspaceId","experimentId","unitId")
);

-- CreateTable
CREATE TABLE "ExperimentOutcome" (
    "workspaceId" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExperimentOutcome_pkey" PRIMARY KEY ("workspaceId","experimentId","unitId")
);

-- CreateTable
CREATE TABLE "ExperimentWinner" (
    "workspaceId" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "claimedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExperimentWinner_pkey" PRIMARY KEY ("workspaceId","experimentId")
);

-- CreateTable
CREATE TABLE "SuiteRun" (
    "workspaceId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "suiteId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "summary" JSONB,

    CONSTRAINT "SuiteRun_pkey" PRIMARY KEY ("workspaceId","id")
);

-- CreateTable
CREATE TABLE "SuiteCaseResult" (
    "seq" BIGSERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "result" JSONB NOT NULL,

    CONSTRAINT "SuiteCaseResult_pkey" PRIMARY KEY ("workspaceId","runId","caseId")
);

-- CreateIndex
CREATE INDEX "AnalyticsRun_workspaceId_at_idx" ON "AnalyticsRun"("workspaceId", "at");

-- CreateIndex
CREATE INDEX "AnalyticsRun_workspaceId_txid_id_idx" ON "AnalyticsRun"("workspaceId", "txid", "id");

-- CreateIndex
CREATE INDEX "AnalyticsHourly_workspaceId_promptId_start_idx" ON "AnalyticsHourly"("workspaceId", "promptId", "start");

-- CreateIndex
CREATE INDEX "AnalyticsDailyPrompt_workspaceId_promptId_start_idx" ON "AnalyticsDailyPrompt"("workspaceId", "promptId", "start");

-- CreateIndex
CREATE INDEX "ExperimentDefinition_workspaceId_promptId_idx" ON "ExperimentDefinition"("workspaceId", "promptId");

-- CreateIndex
CREATE INDEX "ExperimentExposure_workspaceId_experimentId_variant_idx" ON "ExperimentExposure"("workspaceId", "experimentId", "variant");

-- CreateIndex
CREATE INDEX "SuiteRun_workspaceId_suiteId_idx" ON "SuiteRun"("workspaceId", "suiteId");

-- AddForeignKey
ALTER TABLE "SuiteCaseResult" ADD CONSTRAINT "SuiteCaseResult_workspaceId_runId_fkey" FOREIGN KEY ("workspaceId", "runId") REFERENCES "SuiteRun"("workspaceId", "id") ON DELETE CASCADE ON UPDATE CASCADE;
