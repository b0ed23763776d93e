-- CreateIndex
CREATE INDEX "AnalyticsDailyPrompt_totals_idx" ON "AnalyticsDailyPrompt"("workspaceId", "start", "promptId", "count", "successes", "inputTokens", "outputTokens", "costMicros");

-- CreateIndex
CREATE INDEX "AnalyticsHourly_totals_idx" ON "AnalyticsHourly"("workspaceId", "start", "promptId", "version", "model", "count", "successes", "inputTokens", "outputTokens", "costMicros");
