import yaml from 'yaml';
import { cloudStatus, catalog, computeHost, recoverableContext, scriptedBackend } from '../__testUtils__/testing';
import { examples as createExamples } from './cloudCreate.examples';
import { examples as upgradeExamples } from './cloudUpgrade.examples';
import { examples as enrollExamples } from './computeEnroll.examples';
import { createCloudCreateAction } from './cloudCreate';
import { createCloudUpgradeAction } from './cloudUpgrade';
import { createComputeEnrollAction } from './computeEnroll';

// Every example runs, as a dry run against a healthy demo cloud: its input passes the
// action's own validation.
describe('action examples', () => {
  const { backend } = scriptedBackend({ status: () => cloudStatus('2025.1'), hosts: () => [computeHost('cmp-az1-01', '2025.1')] });
  const actions = {
    'openstack:cloud:create': createCloudCreateAction({ backend }),
    'openstack:cloud:upgrade': createCloudUpgradeAction({ catalog: catalog(), backend }),
    'openstack:compute:enroll': createComputeEnrollAction({ catalog: catalog(), backend }),
  };
  const all = [...createExamples, ...upgradeExamples, ...enrollExamples];
  it.each(all.map(e => [e.description, e]))('%s', async (_d, example) => {
    const step = yaml.parse(example.example).steps[0];
    const action = actions[step.action as keyof typeof actions];
    const ctx = recoverableContext({ ...step.input }, new Map(), { isDryRun: true });
    await action.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalled();
  });
});
