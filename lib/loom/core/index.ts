export * from './errors';
export * from './prompt';
