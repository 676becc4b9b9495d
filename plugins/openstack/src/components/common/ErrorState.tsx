import { EmptyState, ResponseErrorPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';

/** An error that says what to do: configure the cloud, ask for access, or check the cluster. */
export const ErrorState = ({ error, cloudRef }: { error: Error; cloudRef?: string }) => {
  const status = error instanceof ResponseError ? error.statusCode : undefined;
  if (status === 404) {
    // the backend's message names what is missing (the entity, the demo cloud or openstack.clouds.<cloud key>)
    return (
      <EmptyState
        missing="data"
        title="Cloud not found"
        description={`The portal cannot reach cloud ${cloudRef ?? ''}: ${(error as ResponseError).body?.error?.message ?? error.message}. A live cloud needs openstack.clouds.<cloud key> (Keystone authUrl and an application credential) in app-config, named by the entity's openstack.backstage.io/cloud annotation.`}
      />
    );
  }
  if (status === 403) {
    return (
      <EmptyState
        missing="info"
        title="Permission denied"
        description="You may not read this cloud (permission openstack.cloud.read). Ask the platform team for access."
      />
    );
  }
  if (status === 503 || status === 502 || status === 504) {
    return (
      <EmptyState
        missing="data"
        title="Cloud unreachable"
        description={`The backend could not reach the cloud's Kubernetes cluster or OpenStack APIs: ${error.message}. Check the cluster's URL and token under kubernetes.clusterLocatorMethods and the cloud's authUrl.`}
      />
    );
  }
  return <ResponseErrorPanel error={error} />;
};
