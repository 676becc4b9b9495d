import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import {
  findRelease,
  validNextHops,
} from '@backstage-openstack/plugin-openstack-common';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import useAsync from 'react-use/esm/useAsync';
import { openstackApiRef } from '../../api';

const label = (v: string) => {
  const r = findRelease(v);
  return r ? `${v} ${r.name}${r.slurp ? ' (SLURP)' : ''}` : v;
};

/**
 * The release a cloud is running and the releases one upgrade hop can reach from it (N → N+1, or
 * SLURP → next SLURP), read from the live status of the cloud picked in the form's `cloud` field
 * (or the field named by `ui:options.cloudField`), asked of the backend by its cloud ref (the
 * backend resolves it, and says what is wrong with a ref that names no cloud).
 */
export function useUpgradeTargets(cloudRef: string | undefined) {
  const openstack = useApi(openstackApiRef);
  return useAsync(async () => {
    if (!cloudRef) return undefined;
    const status = await openstack.getStatus(cloudRef);
    if (!status.release)
      throw new Error(
        `the release of ${cloudRef} is unknown (its status has none); check the cloud's OpenStack tab`,
      );
    return { current: status.release, hops: validNextHops(status.release) };
  }, [cloudRef, openstack]);
}

/** Scaffolder field `OpenStackUpgradeTargetPicker`: a target release from the valid next hops. @public */
export const UpgradeTargetPicker = (
  props: FieldExtensionComponentProps<string, { cloudField?: string }>,
) => {
  const {
    onChange,
    formData,
    required,
    rawErrors,
    schema,
    uiSchema,
    formContext,
    idSchema,
  } = props;
  const cloudField = uiSchema?.['ui:options']?.cloudField ?? 'cloud';
  const cloudRef = (
    formContext?.formData as Record<string, unknown> | undefined
  )?.[cloudField] as string | undefined;
  const { value, loading, error } = useUpgradeTargets(cloudRef);
  let help = 'Pick the cloud first';
  if (loading) help = 'Reading the cloud’s release…';
  else if (error) help = `Cannot offer targets: ${error.message}`;
  else if (value && value.hops.length === 0)
    help = `${value.current} is the newest release in the catalog: no upgrade to offer`;
  else if (value)
    help = `Running ${label(value.current)}; one hop reaches ${value.hops
      .map(label)
      .join(' or ')}`;
  const id = idSchema?.$id ?? 'openstack-upgrade-target';
  return (
    <FormControl
      fullWidth
      required={required}
      error={!!error || (rawErrors?.length ?? 0) > 0}
      margin="normal"
    >
      <InputLabel id={`${id}-label`}>
        {schema.title ?? 'Target release'}
      </InputLabel>
      <Select
        labelId={`${id}-label`}
        id={id}
        value={formData && value?.hops.includes(formData) ? formData : ''}
        disabled={!value || value.hops.length === 0}
        onChange={e => onChange(e.target.value as string)}
        data-testid="openstack-upgrade-target"
      >
        {(value?.hops ?? []).map(h => (
          <MenuItem key={h} value={h}>
            {label(h)}
          </MenuItem>
        ))}
      </Select>
      <FormHelperText>{help}</FormHelperText>
    </FormControl>
  );
};
