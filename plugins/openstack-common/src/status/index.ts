export * from './types';
export * from './verdict';
export * from './hosts';
