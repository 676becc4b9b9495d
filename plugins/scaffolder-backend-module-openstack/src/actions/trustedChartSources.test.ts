import { parseSpecInput } from './cloudCreateLive';

/** A valid live spec whose chart source is `url`. */
const spec = (url: string) => ({
  name: 'edge-1',
  release: '2025.1',
  components: ['keystone'],
  publicDomain: 'edge-1.cloud.example.org',
  chartSource: { url },
  delivery: { mode: 'direct', cluster: 'prod', namespace: 'edge-1' },
});

describe('chart sources on internal hosts', () => {
  it.each([
    'https://10.0.0.5/charts/',
    'https://127.0.0.1:8443/charts/',
    'oci://localhost:5000/charts',
    'https://169.254.169.254/latest/',
  ])('refuses %s typed by a user, naming the field and the operator setting', url => {
    expect(() => parseSpecInput(spec(url))).toThrow(/input\.spec\.chartSource\.url: has a host that .*openstack\.scaffolder\.trustedChartSources/s);
  });

  it('takes an internal source the operator lists, that exact URL only', () => {
    const trusted = ['https://10.0.0.5/charts/'];
    expect(parseSpecInput(spec('https://10.0.0.5/charts/'), trusted).chartSource.url).toBe('https://10.0.0.5/charts/');
    expect(() => parseSpecInput(spec('https://10.0.0.5/other/'), trusted)).toThrow(/input\.spec\.chartSource\.url/);
  });

  it('takes a public source without any setting', () => {
    expect(parseSpecInput(spec('https://tarballs.opendev.org/openstack/openstack-helm/')).chartSource.url).toBe(
      'https://tarballs.opendev.org/openstack/openstack-helm/',
    );
  });
});
