import { langfusePromptRoute } from '@/lib/server/compat/routes';

// Langfuse-compatible prompt fetch for `@langfuse/client` (lib/server/compat/langfuse.ts).

export const dynamic = 'force-dynamic';

export const GET = langfusePromptRoute;
