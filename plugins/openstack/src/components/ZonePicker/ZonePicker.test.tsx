import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { OpenStackPluginApi } from '@backstage-openstack/plugin-openstack-common';
import { fireEvent, screen } from '@testing-library/react';
import { openstackApiRef } from '../../api';
import { ZonePicker } from './ZonePicker';

jest.setTimeout(30_000);

const zones = {
  availabilityZones: [
    { name: 'az-east', available: true },
    { name: 'az-west', available: false },
  ],
  aggregates: [{ name: 'gpu', availabilityZone: 'az-east', hosts: 3 }],
};

async function renderPicker(kind: 'availabilityZone' | 'aggregate', cloud: string | undefined, getZones = jest.fn(async () => zones)) {
  const onChange = jest.fn();
  const openstack = { getZones } as Partial<OpenStackPluginApi> as OpenStackPluginApi;
  await renderInTestApp(
    <TestApiProvider apis={[[openstackApiRef, openstack]]}>
      <ZonePicker
        {...({
          onChange,
          formData: undefined,
          required: true,
          rawErrors: [],
          schema: { type: 'string' },
          uiSchema: { 'ui:options': { kind } },
          idSchema: { $id: `root_${kind}` },
          formContext: { formData: { cloud } },
        } as any)}
      />
    </TestApiProvider>,
  );
  return { onChange, getZones };
}

describe('ZonePicker', () => {
  it("offers the cloud's zones from the backend, not a fixed list, and reports the pick", async () => {
    const { onChange, getZones } = await renderPicker('availabilityZone', 'resource:default/lab');
    await screen.findByText(/The cloud's availability zones; or type a new name/);
    expect(getZones).toHaveBeenCalledWith('resource:default/lab');
    fireEvent.mouseDown(screen.getByTestId('openstack-availabilityZone'));
    fireEvent.keyDown(screen.getByTestId('openstack-availabilityZone'), { key: 'ArrowDown' });
    const options = (await screen.findAllByRole('option')).map(o => o.textContent);
    expect(options).toEqual(['az-east — available', 'az-west — not available']);
    fireEvent.click(screen.getByText('az-west — not available'));
    expect(onChange).toHaveBeenCalledWith('az-west');
  });

  it('offers aggregates with their zone and hosts, and takes a new name', async () => {
    const { onChange } = await renderPicker('aggregate', 'resource:default/lab');
    await screen.findByText(/The cloud's aggregates; or type a new name/);
    fireEvent.keyDown(screen.getByTestId('openstack-aggregate'), { key: 'ArrowDown' });
    expect((await screen.findAllByRole('option')).map(o => o.textContent)).toEqual(['gpu — zone az-east, 3 hosts']);
    fireEvent.change(screen.getByTestId('openstack-aggregate'), { target: { value: 'new-agg' } });
    expect(onChange).toHaveBeenCalledWith('new-agg');
  });

  it('asks for the cloud first and reads nothing without it', async () => {
    const { getZones } = await renderPicker('availabilityZone', undefined);
    expect(await screen.findByText('Pick the cloud first')).toBeInTheDocument();
    expect(getZones).not.toHaveBeenCalled();
  });
});
