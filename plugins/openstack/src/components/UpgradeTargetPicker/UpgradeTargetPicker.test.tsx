import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { fireEvent, screen, within } from '@testing-library/react';
import { OpenStackApi, openstackApiRef } from '../../api';
import { UpgradeTargetPicker } from './UpgradeTargetPicker';

jest.setTimeout(30_000);

const cloud = (name: string, key?: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name,
    namespace: 'default',
    annotations: (key ? { 'openstack.backstage.io/cloud': key } : {}) as Record<
      string,
      string
    >,
  },
  spec: { type: 'openstack-cloud', owner: 'group:default/platform-team' },
});

const releases: Record<string, string | undefined> = {
  prod: '2024.1',
  edge: '2025.2',
  newest: '2026.2',
  unknown: undefined,
};
const openstack = {
  getStatus: async (key: string) => ({ release: releases[key] } as any),
} as Partial<OpenStackApi> as OpenStackApi;

async function renderPicker(cloudRef: string | undefined, formData?: string) {
  const onChange = jest.fn();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [
          catalogApiRef,
          catalogApiMock({
            entities: [
              cloud('prod', 'prod'),
              cloud('edge', 'edge'),
              cloud('newest', 'newest'),
              cloud('odd'),
              cloud('unknown', 'unknown'),
            ],
          }),
        ],
        [openstackApiRef, openstack],
      ]}
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
        /Cannot offer targets: resource:default\/odd is not an OpenStack cloud/,
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
