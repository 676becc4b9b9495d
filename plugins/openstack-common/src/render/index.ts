export { renderCloud } from './renderCloud';
export type { RenderedCloud } from './renderCloud';
export { toYaml } from './objects';
export type { KubernetesObject } from './objects';
export { requiredSecretsFor } from './secrets';
export type { RequiredSecret } from './secrets';
export * from './values';
