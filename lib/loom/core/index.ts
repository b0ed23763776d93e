export * from './errors';
export * from './prompt';
export * from './usage';
