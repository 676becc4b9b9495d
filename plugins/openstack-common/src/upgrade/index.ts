export * from './snapshot';
export * from './preflight';
export * from './planner';
