export * from './types';
export * from './verdict';
export * from './hosts';
export * from './assemble';
export * from './fleet';
