-- AlterTable
ALTER TABLE "ExperimentDefinition" ADD COLUMN     "autoPromote" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "createdBy" TEXT,
ADD COLUMN     "endReason" TEXT,
ADD COLUMN     "endedAt" TIMESTAMP(3),
ADD COLUMN     "name" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "promotion" JSONB,
ADD COLUMN     "settings" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "startedAt" TIMESTAMP(3),
ADD COLUMN     "trafficShare" DOUBLE PRECISION NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "ExperimentDailyStat" (
    "workspaceId" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "exposures" BIGINT NOT NULL DEFAULT 0,
    "outcomes" BIGINT NOT NULL DEFAULT 0,
    "sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "m2" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "ExperimentDailyStat_pkey" PRIMARY KEY ("workspaceId","experimentId","variant","day")
);

-- CreateIndex
CREATE INDEX "ExperimentDefinition_workspaceId_status_idx" ON "ExperimentDefinition"("workspaceId", "status");

-- Written by hand (Prisma's schema language cannot express these).

-- At most one live (running or paused) experiment per prompt, whatever path starts it.
CREATE UNIQUE INDEX "ExperimentDefinition_one_live_per_prompt" ON "ExperimentDefinition"("workspaceId", "promptId") WHERE "status" IN ('running', 'paused');

-- Guardrails read the run records of one experiment: an index-only scan, sorted by latency
-- within each variant, so the p95 needs no heap visits and no sort.
CREATE INDEX "AnalyticsRun_experiment_idx" ON "AnalyticsRun"("workspaceId", "experimentId", "variant", "latencyMs") INCLUDE ("costMicros", "success") WHERE "experimentId" IS NOT NULL;

-- Per-day aggregates, kept by statement-level triggers over the rows a statement really inserted
-- (ON CONFLICT DO NOTHING duplicates are not in the transition table), so a bulk insert costs one
-- upsert per (variant, day) and a duplicate never corrupts a count.
CREATE FUNCTION "experiment_daily_exposures"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ExperimentDailyStat" ("workspaceId", "experimentId", "variant", "day", "exposures")
  SELECT "workspaceId", "experimentId", "variant", "exposedAt"::date, COUNT(*)
  FROM new_rows GROUP BY 1, 2, 3, 4
  ON CONFLICT ("workspaceId", "experimentId", "variant", "day")
  DO UPDATE SET "exposures" = "ExperimentDailyStat"."exposures" + EXCLUDED."exposures";
  RETURN NULL;
END $$;

CREATE TRIGGER "experiment_daily_exposures" AFTER INSERT ON "ExperimentExposure"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "experiment_daily_exposures"();

-- m2 merges batches with Chan et al.'s update: M2 = M2a + M2b + δ² · na · nb / (na + nb).
CREATE FUNCTION "experiment_daily_outcomes"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ExperimentDailyStat" ("workspaceId", "experimentId", "variant", "day", "outcomes", "sum", "m2")
  SELECT "workspaceId", "experimentId", "variant", "recordedAt"::date, COUNT(*), SUM("value"),
    COALESCE(var_pop("value") * COUNT(*), 0)
  FROM new_rows GROUP BY 1, 2, 3, 4
  ON CONFLICT ("workspaceId", "experimentId", "variant", "day")
  DO UPDATE SET
    "outcomes" = "ExperimentDailyStat"."outcomes" + EXCLUDED."outcomes",
    "sum" = "ExperimentDailyStat"."sum" + EXCLUDED."sum",
    "m2" = "ExperimentDailyStat"."m2" + EXCLUDED."m2" + CASE
      WHEN "ExperimentDailyStat"."outcomes" = 0 THEN 0
      ELSE power(EXCLUDED."sum" / EXCLUDED."outcomes" - "ExperimentDailyStat"."sum" / "ExperimentDailyStat"."outcomes", 2)
        * "ExperimentDailyStat"."outcomes"::float8 * EXCLUDED."outcomes"::float8
        / ("ExperimentDailyStat"."outcomes" + EXCLUDED."outcomes")::float8
    END;
  RETURN NULL;
END $$;

CREATE TRIGGER "experiment_daily_outcomes" AFTER INSERT ON "ExperimentOutcome"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "experiment_daily_outcomes"();

-- Traffic recorded before this migration.
INSERT INTO "ExperimentDailyStat" ("workspaceId", "experimentId", "variant", "day", "exposures")
SELECT "workspaceId", "experimentId", "variant", "exposedAt"::date, COUNT(*)
FROM "ExperimentExposure" GROUP BY 1, 2, 3, 4;
INSERT INTO "ExperimentDailyStat" ("workspaceId", "experimentId", "variant", "day", "outcomes", "sum", "m2")
SELECT "workspaceId", "experimentId", "variant", "recordedAt"::date, COUNT(*), SUM("value"),
  COALESCE(var_pop("value") * COUNT(*), 0)
FROM "ExperimentOutcome" GROUP BY 1, 2, 3, 4
ON CONFLICT ("workspaceId", "experimentId", "variant", "day")
DO UPDATE SET "outcomes" = EXCLUDED."outcomes", "sum" = EXCLUDED."sum", "m2" = EXCLUDED."m2";
