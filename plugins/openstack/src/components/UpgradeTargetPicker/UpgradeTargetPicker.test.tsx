import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { InputError } from '@backstage/errors';
import { OpenStackPluginApi } from '@backstage-openstack/plugin-openstack-common';
import { fireEvent, screen, within } from '@testing-library/react';
import { openstackApiRef } from '../../api';
import { UpgradeTargetPicker } from './UpgradeTargetPicker';

jest.setTimeout(30_000);

/** The releases of the clouds the backend knows, by cloud ref. */
const releases: Record<string, string | undefined> = {
  'resource:default/prod': '2024.1',
  'resource:default/edge': '2025.2',
  'resource:default/newest': '2026.2',
  'resource:default/unknown': undefined,
};
const openstack = {
  getStatus: async (cloudRef: string) => {
    if (!(cloudRef in releases)) {
      // what the backend's resolver says of an entity without the cloud key annotation
      throw new InputError(`path: ${cloudRef} has no openstack.backstage.io/cloud annotation; add it, naming the openstack.clouds key`);
    }
    return { release: releases[cloudRef] } as any;
  },
} as Partial<OpenStackPluginApi> as OpenStackPluginApi;

async function renderPicker(cloudRef: string | undefined, formData?: string) {
  const onChange = jest.fn();
  await renderInTestApp(
    <TestApiProvider
      apis={[[openstackApiRef, openstack]]}
    >
      <UpgradeTargetPicker
        {...({
          onChange,
          formData,
          required: true,
          rawErrors: [],
          schema: { title: 'Target release', type: 'string' },
          uiSchema: {},
          idSchema: { $id: 'root_targetRelease' },
          formContext: { formData: { cloud: cloudRef } },
        } as any)}
      />
    </TestApiProvider>,
  );
  return onChange;
}

describe('UpgradeTargetPicker', () => {
  it('offers N+1 and the next SLURP from a SLURP release, and reports the pick', async () => {
    const onChange = await renderPicker('resource:default/prod');
    expect(
      await screen.findByText(
        /Running 2024\.1 Caracal \(SLURP\); one hop reaches 2024\.2 Dalmatian or 2025\.1 Epoxy \(SLURP\)/,
      ),
    ).toBeInTheDocument();
    fireEvent.mouseDown(
      within(screen.getByTestId('openstack-upgrade-target')).getByRole(
        'button',
      ),
    );
    const options = (await screen.findAllByRole('option')).map(
      o => o.textContent,
    );
    expect(options).toEqual(['2024.2 Dalmatian', '2025.1 Epoxy (SLURP)']);
    fireEvent.click(
      screen.getByRole('option', { name: '2025.1 Epoxy (SLURP)' }),
    );
    expect(onChange).toHaveBeenCalledWith('2025.1');
  });

  it('offers only N+1 from a non-SLURP release', async () => {
    await renderPicker('resource:default/edge');
    expect(
      await screen.findByText(/one hop reaches 2026\.1 Gazpacho \(SLURP\)$/),
    ).toBeInTheDocument();
  });

  it('says so when the cloud runs the newest release', async () => {
    await renderPicker('resource:default/newest');
    expect(
      await screen.findByText(
        /2026\.2 is the newest release in the catalog: no upgrade to offer/,
      ),
    ).toBeInTheDocument();
  });

  it('asks for the cloud first', async () => {
    await renderPicker(undefined);
    expect(await screen.findByText('Pick the cloud first')).toBeInTheDocument();
  });

  it('explains an entity without the cloud annotation', async () => {
    await renderPicker('resource:default/odd');
    expect(
      await screen.findByText(
        /Cannot offer targets: path: resource:default\/odd has no openstack\.backstage\.io\/cloud annotation/,
      ),
    ).toBeInTheDocument();
  });

  it('explains a status without a release', async () => {
    await renderPicker('resource:default/unknown');
    expect(
      await screen.findByText(
        /Cannot offer targets: the release of resource:default\/unknown is unknown/,
      ),
    ).toBeInTheDocument();
  });
});
