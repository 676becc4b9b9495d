import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import useAsync from 'react-use/esm/useAsync';
import { openstackApiRef } from '../../api';

/**
 * Scaffolder field `OpenStackZonePicker`: an availability zone (ui:options kind
 * `availabilityZone`, the default) or a host aggregate (kind `aggregate`) of the cloud picked in
 * the form's `cloud` field (or the field ui:options `cloudField` names), as the cloud's Nova
 * lists them (`GET /clouds/{namespace}/{name}/zones`). A new name may be typed: enroll creates a
 * missing aggregate in the zone. Aggregates show their zone and host count. @public
 */
export const ZonePicker = (
  props: FieldExtensionComponentProps<string, { cloudField?: string; kind?: 'availabilityZone' | 'aggregate' }>,
) => {
  const { onChange, formData, required, rawErrors, schema, uiSchema, formContext, idSchema } = props;
  const options = uiSchema?.['ui:options'] ?? {};
  const kind = options.kind ?? 'availabilityZone';
  const cloudRef = (formContext?.formData as Record<string, unknown> | undefined)?.[options.cloudField ?? 'cloud'] as string | undefined;
  const openstack = useApi(openstackApiRef);
  const { value, loading, error } = useAsync(async () => (cloudRef ? openstack.getZones(cloudRef) : undefined), [cloudRef, openstack]);
  const items =
    kind === 'aggregate'
      ? (value?.aggregates ?? []).map(a => ({ name: a.name, detail: `zone ${a.availabilityZone ?? '(none)'}, ${a.hosts} host${a.hosts === 1 ? '' : 's'}` }))
      : (value?.availabilityZones ?? []).map(z => ({ name: z.name, detail: z.available ? 'available' : 'not available' }));
  const what = kind === 'aggregate' ? 'aggregates' : 'availability zones';
  let help = `The cloud's ${what}; or type a new name`;
  if (!cloudRef) help = 'Pick the cloud first';
  else if (loading) help = `Reading the cloud's ${what}…`;
  else if (error) help = `Cannot list the cloud's ${what}: ${error.message}`;
  else if (items.length === 0) help = `The cloud has no ${what} yet; type a name`;
  const id = idSchema?.$id ?? `openstack-${kind}`;
  return (
    <Autocomplete
      id={id}
      freeSolo
      options={items.map(i => i.name)}
      value={formData ?? null}
      disabled={!cloudRef}
      onChange={(_, v) => onChange((v as string | null) ?? undefined)}
      onInputChange={(_, v, reason) => {
        if (reason === 'input') onChange(v || undefined);
      }}
      renderOption={name => {
        const item = items.find(i => i.name === name);
        return (
          <span>
            {name}
            {item ? ` — ${item.detail}` : ''}
          </span>
        );
      }}
      renderInput={params => (
        <TextField
          {...params}
          label={schema.title ?? (kind === 'aggregate' ? 'Host aggregate' : 'Availability zone')}
          required={required}
          error={!!error || (rawErrors?.length ?? 0) > 0}
          helperText={help}
          margin="normal"
          inputProps={{ ...params.inputProps, 'data-testid': `openstack-${kind}` }}
        />
      )}
    />
  );
};
