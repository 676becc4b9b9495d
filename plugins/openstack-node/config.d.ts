// openstack-node reads the clusters from the kubernetes backend's own configuration
// (`kubernetes.clusterLocatorMethods`, type `config`) and the clouds from `openstack.clouds`,
// both declared by the packages that own them (@backstage/plugin-kubernetes-backend and
// @backstage-openstack/plugin-openstack-backend).
export interface Config {}
