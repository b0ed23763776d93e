-- Existing accounts get the epoch: sessions signed in before this release carry no stamp and count
-- as the epoch (lib/server/auth/session-stamp.ts), so the deploy signs nobody out.
ALTER TABLE "User" ADD COLUMN "sessionsValidFrom" TIMESTAMP(3) NOT NULL DEFAULT '1970-01-01 00:00:00';

-- New accounts start with the time they were created.
ALTER TABLE "User" ALTER COLUMN "sessionsValidFrom" SET DEFAULT CURRENT_TIMESTAMP;
