import 'server-only';

export { createOpenAIProvider, mapOpenAIError, type OpenAIProviderOptions } from './provider';
