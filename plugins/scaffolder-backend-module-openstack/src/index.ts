/**
 * Scaffolder actions of the backstage-openstack suite (`openstack:*`), installed as one backend
 * module; the actions are not exported one by one.
 *
 * @packageDocumentation
 */
export { scaffolderModuleOpenstack as default } from './module';
