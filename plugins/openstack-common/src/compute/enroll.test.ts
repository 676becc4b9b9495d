import { parse } from 'yaml';
import { requiredSecretsFor } from '../render/secrets';
import { parseCloudSpec } from '../spec/cloudSpec';
import {
  ComputeBundleSettings,
  computeBundleSecretName,
  computeCredentialSources,
  enrollAggregateName,
  renderComputeBundle,
  validateComputeEnrollInput,
} from './enroll';

const good = {
  host: 'cmp-az1-13',
  managementIp: '10.0.12.113',
  overlayIp: '10.1.12.113',
  availabilityZone: 'az1',
  aggregate: 'az1-general',
};

const settings: ComputeBundleSettings = {
  keystoneUrl: 'https://keystone.prod-eu.example.org/v3',
  region: 'RegionOne',
  endpointInterface: 'internal',
  messageQueue: {
    hosts: ['mq1.example.org:5672', 'mq2.example.org:5672'],
    vhost: 'nova',
    user: 'nova',
    tls: false,
  },
  users: { nova: 'nova', placement: 'placement', neutron: 'neutron' },
  serviceProject: 'service',
  serviceDomain: 'default',
  ovnRemote: 'tcp:10.0.0.10:6642',
  libvirt: { virtType: 'kvm', cpuMode: 'host-passthrough' },
  metadata: { host: 'nova-metadata.prod-eu.example.org', port: 8775, protocol: 'http' },
};

const credentials = {
  messageQueue: 'mq/p@ss:word',
  nova: 'nova-secret-1',
  placement: 'placement-secret-2',
  neutron: 'neutron-secret-3',
  metadataProxy: 'metadata-secret-4',
};

describe('validateComputeEnrollInput', () => {
  it('accepts a valid input, IPv6 and a BMC host name', () => {
    expect(validateComputeEnrollInput(good)).toEqual([]);
    expect(
      validateComputeEnrollInput({
        ...good,
        managementIp: 'fd00::12:113',
        bmcAddress: 'bmc-cmp-az1-13.example.org',
      }),
    ).toEqual([]);
  });

  it.each([
    [{ host: 'CMP_1' }, 'host'],
    [{ host: `h${'x'.repeat(63)}` }, 'host'],
    [{ host: '' }, 'host'],
    [{ managementIp: '10.0.12' }, 'managementIp'],
    [{ overlayIp: '300.1.1.1' }, 'overlayIp'],
    [{ availabilityZone: 'az:1' }, 'availabilityZone'],
    [{ availabilityZone: '' }, 'availabilityZone'],
    [{ aggregate: 'a b' }, 'aggregate'],
    [{ bmcAddress: 'not a host!' }, 'bmcAddress'],
  ])('refuses %j naming the field', (bad, field) => {
    const issues = validateComputeEnrollInput({ ...good, ...bad });
    expect(issues.map(i => i.field)).toEqual([field]);
    expect(issues[0].message).toMatch(/; (use|give)/);
  });

  it('defaults the aggregate to the zone', () => {
    expect(enrollAggregateName({ availabilityZone: 'az2' })).toBe('az2');
    expect(
      enrollAggregateName({ availabilityZone: 'az2', aggregate: 'gpu' }),
    ).toBe('gpu');
    expect(computeBundleSecretName('cmp-1.example.org')).toBe(
      'compute-bundle-cmp-1.example.org',
    );
  });
});

describe('computeCredentialSources', () => {
  it("names Secrets that openstack:cloud:create creates for the cloud's nova chart", () => {
    const spec = parseCloudSpec({
      name: 'prod-eu',
      release: '2025.1',
      region: 'RegionOne',
      publicDomain: 'prod-eu.example.org',
      components: ['keystone', 'glance', 'placement', 'nova', 'neutron'],
      delivery: { mode: 'direct', cluster: 'prod-eu', namespace: 'openstack' },
    });
    const required = requiredSecretsFor(spec);
    const sources = computeCredentialSources('prod-eu');
    expect(sources.map(s => `${s.purpose} ${s.secret}/${s.key}`)).toEqual([
      'messageQueue prod-eu-nova-rabbitmq/password',
      'nova prod-eu-nova-keystone/password',
      'placement prod-eu-placement-keystone/password',
      'neutron prod-eu-neutron-keystone/password',
      'metadataProxy prod-eu-metadata-proxy/shared-secret',
    ]);
    for (const s of sources) {
      expect(required.find(r => r.name === s.secret)?.keys).toContain(s.key);
    }
  });
});

describe('renderComputeBundle', () => {
  const bundle = renderComputeBundle(
    { ...good, cloudKey: 'prod-eu', bmcAddress: '10.0.30.13' },
    settings,
    credentials,
  );

  it('writes nova-compute.conf with the transport URL, Keystone users and libvirt settings', () => {
    const conf = bundle['nova-compute.conf'];
    expect(conf).toContain(
      '[DEFAULT]\nhost = cmp-az1-13\nmy_ip = 10.0.12.113\n',
    );
    // the password is URL-encoded in every broker of the transport URL
    expect(conf).toContain(
      'transport_url = rabbit://nova:mq%2Fp%40ss%3Aword@mq1.example.org:5672,nova:mq%2Fp%40ss%3Aword@mq2.example.org:5672/nova',
    );
    expect(conf).toMatch(
      /\[placement\]\nauth_type = password\nauth_url = https:\/\/keystone\.prod-eu\.example\.org\/v3\nusername = placement\npassword = placement-secret-2\n/,
    );
    expect(conf).toMatch(
      /\[neutron\][^[]*username = neutron\npassword = neutron-secret-3/,
    );
    expect(conf).toMatch(
      /\[service_user\]\nsend_service_user_token = true\n[^[]*username = nova\npassword = nova-secret-1/,
    );
    expect(conf).toMatch(
      /\[libvirt\]\nvirt_type = kvm\ncpu_mode = host-passthrough\nlive_migration_inbound_addr = 10\.0\.12\.113/,
    );
    expect(conf).toMatch(/valid_interfaces = internal/);
  });

  it('writes the OVN external ids with the overlay IP', () => {
    expect(bundle['ovn-external-ids.conf']).toBe(
      'system-id=cmp-az1-13\nhostname=cmp-az1-13\novn-remote=tcp:10.0.0.10:6642\novn-encap-type=geneve\novn-encap-ip=10.1.12.113\n',
    );
  });

  it('records what was asked in host.yaml, without credentials', () => {
    expect(parse(bundle['host.yaml'])).toEqual({
      cloudKey: 'prod-eu',
      host: 'cmp-az1-13',
      managementIp: '10.0.12.113',
      overlayIp: '10.1.12.113',
      availabilityZone: 'az1',
      aggregate: 'az1-general',
      bmcAddress: '10.0.30.13',
    });
    for (const v of Object.values(credentials)) {
      expect(bundle['host.yaml']).not.toContain(v);
      expect(bundle['ovn-external-ids.conf']).not.toContain(v);
    }
  });

  it('refuses a credential with a line break without printing it', () => {
    expect(() =>
      renderComputeBundle({ ...good, cloudKey: 'x' }, settings, {
        ...credentials,
        nova: 'abc\n[DEFAULT]',
      }),
    ).toThrow('the nova credential is empty or contains a line break');
  });
});
