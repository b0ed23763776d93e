import 'server-only';

export { createOllamaProvider, mapOllamaError, type OllamaProviderOptions } from './provider';
