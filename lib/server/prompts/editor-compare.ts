import 'server-only';
import { stringify } from 'yaml';
import type { VersionSection } from '@/components/prompts/types';
import type { PromptData } from '@/lib/loom/core';
import { sortKeys } from '../sort-keys';

function yaml(value: unknown): string {
  return stringify(sortKeys(value), { lineWidth: 0, blockQuote: 'literal', aliasDuplicateObjects: false });
}

/**
 * A version cut into the parts Compare diffs one by one, in the order a reader wants them:
 * the templates as their own text, then variables, examples and the remaining settings as YAML
 * with sorted keys, so two versions differ only where their content does.
 */
export function versionSections(data: PromptData): VersionSection[] {
  return [
    { key: 'system', title: 'System template', text: data.system },
    { key: 'user', title: 'User template', text: data.user },
    { key: 'variables', title: 'Variables', text: data.variables.length > 0 ? yaml(data.variables) : '' },
    { key: 'examples', title: 'Examples', text: data.examples.length > 0 ? yaml(data.examples) : '' },
    {
      key: 'settings',
      title: 'Settings',
      text: yaml({
        name: data.name,
        description: data.description,
        tags: data.tags,
        model: data.model,
        metadata: data.metadata,
      }),
    },
  ];
}
