export * from './errors';
export * from './prompt';
export * from './usage';
export * from './variables';
export * from './validate-input';
export * from './prompt-object';
export * from './builder';
export * from './zod-issues';
