export * from './components';
export * from './cloudSpec';
export * from './fields';
