import { ConfigReader } from '@backstage/config';
import { readChartSources } from './chartSources';

const config = (chartSources: Record<string, { url: string; caData?: string }>) => new ConfigReader({ openstack: { chartSources } });

describe('readChartSources', () => {
  it('resolves a configured name to its URL and CA, and lists the names', () => {
    const sources = readChartSources(
      config({
        'openstack-helm': { url: 'https://tarballs.opendev.org/openstack/openstack-helm/' },
        internal: { url: 'oci://10.0.0.5:5000/osh', caData: 'PEM' },
      }),
    );
    expect(sources.names()).toEqual(['internal', 'openstack-helm']);
    expect(sources.resolve('internal', 'input.spec.chartSource.name')).toEqual({ name: 'internal', url: 'oci://10.0.0.5:5000/osh', caData: 'PEM' });
  });

  it('refuses a name that is not configured, naming the field and the names to use', () => {
    const sources = readChartSources(config({ 'openstack-helm': { url: 'https://charts.example.org/' } }));
    expect(() => sources.resolve('https://10.0.0.5/charts/', 'input.spec.chartSource.name')).toThrow(
      /^input\.spec\.chartSource\.name "https:\/\/10\.0\.0\.5\/charts\/": not a chart source of this portal; use one of openstack-helm \(openstack\.chartSources\)$/,
    );
    expect(() => readChartSources(new ConfigReader({})).resolve('openstack-helm', 'f')).toThrow(/this portal has no chart sources; ask the platform team to configure openstack\.chartSources/);
  });

  it.each([
    [{ 'bad name!': { url: 'https://charts.example.org/' } }, /openstack\.chartSources\.bad name!: the name must be/],
    [{ plain: { url: 'http://charts.example.org/' } }, /openstack\.chartSources\.plain\.url: is not an https:\/\/ or oci:\/\/ URL/],
    [{ creds: { url: 'https://u:p@charts.example.org/' } }, /openstack\.chartSources\.creds\.url: carries credentials/],
  ])('fails at startup on a bad entry %j, naming its key', (sources, message) => {
    expect(() => readChartSources(config(sources))).toThrow(message);
  });
});
