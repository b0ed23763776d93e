/** react-query keys of the prompts screens; invalidating `all` refreshes every one of them. */
export const promptKeys = {
  all: ['prompts'] as const,
  gate: (promptId: string, version: number) => ['prompts', promptId, 'gate', version] as const,
  versionText: (promptId: string, version: number) => ['prompts', promptId, 'version', version] as const,
};
