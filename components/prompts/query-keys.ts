import type { PromptListQuery } from './types';

/** react-query keys of the prompts screens; invalidating `all` refreshes every one of them. */
export const promptKeys = {
  all: ['prompts'] as const,
  list: (query: PromptListQuery) => ['prompts', 'list', query] as const,
  versionText: (promptId: string, version: number) => ['prompts', promptId, 'version', version] as const,
};
