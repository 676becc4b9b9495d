import {
  InfoCard,
  StructuredMetadataTable,
  WarningPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_OPENSTACK_CLOUD,
  ANNOTATION_OPENSTACK_CLUSTER,
  ANNOTATION_OPENSTACK_NAMESPACE,
  cloudRefOfEntity,
  stringifyCloudRef,
} from '@backstage-openstack/plugin-openstack-common';
import Grid from '@material-ui/core/Grid';

/**
 * What the catalog says about a cloud: release, cluster, namespace, components. The live
 * status comes from the status backend.
 *
 * @public
 */
export const CloudOverview = () => {
  const { entity } = useEntity();
  const annotations = entity.metadata.annotations ?? {};
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const cloudKey = annotations[ANNOTATION_OPENSTACK_CLOUD];
  const components = Array.isArray(spec.components)
    ? (spec.components as string[])
    : [];

  return (
    <Grid container spacing={3}>
      {!cloudKey && (
        <Grid item xs={12}>
          <WarningPanel
            title="This cloud has no OpenStack annotation"
            message={`Add the annotation ${ANNOTATION_OPENSTACK_CLOUD}: <key of openstack.clouds in app-config> to the entity so the portal can reach the cloud.`}
          />
        </Grid>
      )}
      <Grid item xs={12} md={6}>
        <InfoCard title="OpenStack cloud">
          <StructuredMetadataTable
            metadata={{
              'cloud ref': stringifyCloudRef(cloudRefOfEntity(entity)),
              'cloud key': cloudKey ?? '—',
              release: (spec.release as string) ?? '—',
              cluster: annotations[ANNOTATION_OPENSTACK_CLUSTER] ?? '—',
              namespace: annotations[ANNOTATION_OPENSTACK_NAMESPACE] ?? '—',
              components: components.length ? components.join(', ') : '—',
            }}
          />
        </InfoCard>
      </Grid>
    </Grid>
  );
};
