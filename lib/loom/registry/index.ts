export type {
  LabelMove,
  LabelOptions,
  LabelRemoval,
  ListOptions,
  PromptRegistry,
  PromptSummary,
  RegistryCallOptions,
  SaveOptions,
  VersionSummary,
} from './registry';
export {
  LABEL_PATTERN,
  MAX_LABEL_LENGTH,
  checkExpectedLatest,
  compareSummaries,
  copyPromptData,
  labelNotFound,
  matchesListOptions,
  nextVersion,
  normaliseForSave,
  promptNotFound,
  stampVersion,
  validateLabel,
  validateListOptions,
  validatePromptId,
  validateVersion,
  versionNotFound,
} from './registry-rules';
export { createMemoryRegistry, type MemoryRegistryOptions } from './memory-registry';
export {
  parsePromptDocument,
  promptFromYaml,
  serializePromptDocument,
  type ParsePromptDocumentOptions,
  type ParsedPromptYaml,
} from './prompt-document';
