/** react-query keys of the prompts screens; invalidating `all` refreshes every one of them. */
export const promptKeys = {
  all: ['prompts'] as const,
  versionText: (promptId: string, version: number) => ['prompts', promptId, 'version', version] as const,
};
