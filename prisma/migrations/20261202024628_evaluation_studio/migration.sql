-- AlterTable
ALTER TABLE "SuiteCaseResult" ADD COLUMN     "errored" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "finishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "pass" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "Suite" (
    "workspaceId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "promptId" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "archivedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedBy" TEXT,

    CONSTRAINT "Suite_pkey" PRIMARY KEY ("workspaceId","id")
);

-- CreateTable
CREATE TABLE "SuiteRevision" (
    "workspaceId" TEXT NOT NULL,
    "suiteId" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "evaluators" JSONB NOT NULL,
    "caseCount" INTEGER NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',
    "author" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SuiteRevision_pkey" PRIMARY KEY ("workspaceId","suiteId","revision")
);

-- CreateTable
CREATE TABLE "SuiteCase" (
    "workspaceId" TEXT NOT NULL,
    "suiteId" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "caseId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "input" JSONB NOT NULL,
    "expected" TEXT,
    "tags" TEXT[],
    "notes" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "SuiteCase_pkey" PRIMARY KEY ("workspaceId","suiteId","revision","caseId")
);

-- CreateTable
CREATE TABLE "EvalRun" (
    "workspaceId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "suiteId" TEXT NOT NULL,
    "suiteRevision" INTEGER NOT NULL,
    "promptId" TEXT NOT NULL,
    "promptVersion" INTEGER NOT NULL,
    "batchId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "concurrency" INTEGER NOT NULL,
    "judge" JSONB,
    "status" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "error" TEXT,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "heartbeatAt" TIMESTAMP(3),
    "summary" JSONB,

    CONSTRAINT "EvalRun_pkey" PRIMARY KEY ("workspaceId","id")
);

-- CreateTable
CREATE TABLE "CaseReview" (
    "workspaceId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "pass" BOOLEAN NOT NULL,
    "reason" TEXT NOT NULL,
    "reviewerId" TEXT,
    "reviewerEmail" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseReview_pkey" PRIMARY KEY ("workspaceId","runId","caseId")
);

-- CreateTable
CREATE TABLE "PromotionGate" (
    "workspaceId" TEXT NOT NULL,
    "promptId" TEXT NOT NULL,
    "suiteId" TEXT,
    "minPassRate" DOUBLE PRECISION,
    "requireNoRegression" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedBy" TEXT,

    CONSTRAINT "PromotionGate_pkey" PRIMARY KEY ("workspaceId","promptId")
);

-- CreateIndex
CREATE INDEX "Suite_workspaceId_promptId_idx" ON "Suite"("workspaceId", "promptId");

-- CreateIndex
CREATE UNIQUE INDEX "SuiteCase_workspaceId_suiteId_revision_position_key" ON "SuiteCase"("workspaceId", "suiteId", "revision", "position");

-- CreateIndex
CREATE INDEX "EvalRun_workspaceId_suiteId_createdAt_idx" ON "EvalRun"("workspaceId", "suiteId", "createdAt");

-- CreateIndex
CREATE INDEX "EvalRun_workspaceId_promptId_promptVersion_idx" ON "EvalRun"("workspaceId", "promptId", "promptVersion");

-- CreateIndex
CREATE INDEX "EvalRun_status_heartbeatAt_idx" ON "EvalRun"("status", "heartbeatAt");

-- CreateIndex
CREATE INDEX "SuiteCaseResult_workspaceId_runId_finishedAt_idx" ON "SuiteCaseResult"("workspaceId", "runId", "finishedAt");

-- AddForeignKey
ALTER TABLE "SuiteRevision" ADD CONSTRAINT "SuiteRevision_workspaceId_suiteId_fkey" FOREIGN KEY ("workspaceId", "suiteId") REFERENCES "Suite"("workspaceId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SuiteCase" ADD CONSTRAINT "SuiteCase_workspaceId_suiteId_revision_fkey" FOREIGN KEY ("workspaceId", "suiteId", "revision") REFERENCES "SuiteRevision"("workspaceId", "suiteId", "revision") ON DELETE CASCADE ON UPDATE CASCADE;
