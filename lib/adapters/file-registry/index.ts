import 'server-only';
export { createFileRegistry, type FileRegistryOptions } from './file-registry';
