import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { NotAllowedError } from '@backstage/errors';
import { OpenStackPluginApi } from '@backstage-openstack/plugin-openstack-common';
import { fireEvent, screen, within } from '@testing-library/react';
import { openstackApiRef } from '../../api';
import { ChartSourcePicker } from './ChartSourcePicker';

jest.setTimeout(30_000);

async function renderPicker(listChartSources: OpenStackPluginApi['listChartSources']) {
  const onChange = jest.fn();
  const openstack = { listChartSources } as Partial<OpenStackPluginApi> as OpenStackPluginApi;
  await renderInTestApp(
    <TestApiProvider apis={[[openstackApiRef, openstack]]}>
      <ChartSourcePicker
        {...({
          onChange,
          formData: undefined,
          required: true,
          rawErrors: [],
          schema: { title: 'Chart source', type: 'string' },
          uiSchema: {},
          idSchema: { $id: 'root_chartSource' },
          formContext: { formData: {} },
        } as any)}
      />
    </TestApiProvider>,
  );
  return onChange;
}

describe('ChartSourcePicker', () => {
  it('offers the configured names and reports the pick', async () => {
    const onChange = await renderPicker(async () => [{ name: 'mirror' }, { name: 'openstack-helm' }]);
    await screen.findByText(/as the platform team configured it/);
    fireEvent.mouseDown(within(screen.getByTestId('openstack-chart-source')).getByRole('button'));
    const options = (await screen.findAllByRole('option')).map(o => o.textContent);
    expect(options).toEqual(['mirror', 'openstack-helm']);
    fireEvent.click(screen.getByRole('option', { name: 'openstack-helm' }));
    expect(onChange).toHaveBeenCalledWith('openstack-helm');
  });

  it('says so when none is configured', async () => {
    await renderPicker(async () => []);
    expect(await screen.findByText(/No chart source is configured; ask the platform team to add openstack\.chartSources/)).toBeInTheDocument();
  });

  it('explains a refusal of the backend', async () => {
    await renderPicker(async () => {
      throw new NotAllowedError('Permission openstack.cloud.create is required');
    });
    expect(await screen.findByText(/Cannot list the chart sources: Permission openstack\.cloud\.create is required/)).toBeInTheDocument();
  });
});
