import { chatCompletionsRoute } from '@/lib/server/compat/routes';

// OpenAI-compatible chat completions over managed prompts: point the official `openai` SDK at
// `<studio>/api/v1` with a Loom API key; `model` names the prompt (lib/server/compat/openai.ts).

export const dynamic = 'force-dynamic';

export const POST = chatCompletionsRoute;
