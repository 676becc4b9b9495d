export * from './renderCloud';
export * from './values';
