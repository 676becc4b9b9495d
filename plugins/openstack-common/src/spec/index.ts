export * from './components';
export * from './cloudSpec';
