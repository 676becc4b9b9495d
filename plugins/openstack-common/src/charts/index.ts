export * from './charts';
export * from './credentials';
export * from './images';
export * from './workloads';
