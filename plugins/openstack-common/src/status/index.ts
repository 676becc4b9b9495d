export * from './types';
export * from './verdict';
export * from './hosts';
export * from './assemble';
