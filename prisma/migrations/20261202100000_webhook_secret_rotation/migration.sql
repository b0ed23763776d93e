-- The previous signing secret of a webhook endpoint stays valid for a grace period after a rotation.
ALTER TABLE "WebhookEndpoint" ADD COLUMN "previousSecretCipher" TEXT,
ADD COLUMN "previousSecretExpiresAt" TIMESTAMP(3);
