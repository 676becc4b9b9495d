import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import useAsync from 'react-use/esm/useAsync';
import { openstackApiRef } from '../../api';

/**
 * Scaffolder field `OpenStackChartSourcePicker`: the name of a chart source the platform team
 * configured (`openstack.chartSources`, listed by the backend's `GET /chart-sources`). The form
 * carries the name; the create action resolves it to its URL. Nobody types a URL. @public
 */
export const ChartSourcePicker = (props: FieldExtensionComponentProps<string>) => {
  const { onChange, formData, required, rawErrors, schema, idSchema } = props;
  const openstack = useApi(openstackApiRef);
  const { value, loading, error } = useAsync(() => openstack.listChartSources(), [openstack]);
  const names = (value ?? []).map(s => s.name);
  let help = 'The repository or registry the charts come from, as the platform team configured it';
  if (loading) help = 'Reading the configured chart sources…';
  else if (error) help = `Cannot list the chart sources: ${error.message}`;
  else if (names.length === 0) help = 'No chart source is configured; ask the platform team to add openstack.chartSources';
  const id = idSchema?.$id ?? 'openstack-chart-source';
  return (
    <FormControl fullWidth required={required} error={!!error || (rawErrors?.length ?? 0) > 0} margin="normal">
      <InputLabel id={`${id}-label`}>{schema.title ?? 'Chart source'}</InputLabel>
      <Select
        labelId={`${id}-label`}
        id={id}
        value={formData && names.includes(formData) ? formData : ''}
        disabled={names.length === 0}
        onChange={e => onChange(e.target.value as string)}
        data-testid="openstack-chart-source"
      >
        {names.map(n => (
          <MenuItem key={n} value={n}>
            {n}
          </MenuItem>
        ))}
      </Select>
      <FormHelperText>{help}</FormHelperText>
    </FormControl>
  );
};
