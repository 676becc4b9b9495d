import { chartsFor } from '../charts/charts';
import { CHART_CREDENTIALS } from '../charts/credentials';
import { chartObjectName } from '../cloudRef';
import { CloudSpec, cloudNamespace } from '../spec/cloudSpec';

/** A Secret that must exist before the charts install: its name and keys, never values. @public */
export interface RequiredSecret {
  name: string;
  namespace: string;
  keys: string[];
  /** Where each key goes, e.g. `keystone: endpoints.identity.auth.admin.password`. */
  usedBy: string[];
}

/** The Secrets every chart of the spec needs, merged by name. @public */
export function requiredSecretsFor(spec: CloudSpec): RequiredSecret[] {
  const ns = cloudNamespace(spec);
  const byName = new Map<string, RequiredSecret>();
  for (const chart of chartsFor(spec.components)) {
    for (const slot of CHART_CREDENTIALS[chart] ?? []) {
      const name = chartObjectName(spec.name, slot.secret);
      const s = byName.get(name) ?? {
        name,
        namespace: ns,
        keys: [],
        usedBy: [],
      };
      if (!s.keys.includes(slot.key)) s.keys.push(slot.key);
      s.usedBy.push(`${chart}: ${slot.targetPath}`);
      byName.set(name, s);
    }
  }
  return [...byName.values()]
    .map(s => ({ ...s, keys: s.keys.sort(), usedBy: s.usedBy.sort() }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
