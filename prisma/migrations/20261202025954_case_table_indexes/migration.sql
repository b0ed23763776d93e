-- CreateIndex
CREATE INDEX "SuiteCase_workspaceId_suiteId_revision_caseId_position_idx" ON "SuiteCase"("workspaceId", "suiteId", "revision", "caseId", "position");

-- CreateIndex
CREATE INDEX "SuiteCaseResult_workspaceId_runId_caseId_pass_errored_idx" ON "SuiteCaseResult"("workspaceId", "runId", "caseId", "pass", "errored");
