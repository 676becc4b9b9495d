export * from './catalog';
export * from './upgradePath';
