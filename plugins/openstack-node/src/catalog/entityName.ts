import { makeValidator } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

const validator = makeValidator();

/** An entity's kind, namespace and name as the catalog validates them. @public */
export interface EntityName {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * The kind, namespace (default `default`) and name of an entity the suite registers, checked with
 * the catalog's own validators (catalog-model's `makeValidator`), before anything is stored. An
 * `InputError` names each bad field under `where` (e.g. `input.entity.`). @public
 */
export function checkEntityName(
  entity: { kind?: unknown; metadata?: { namespace?: unknown; name?: unknown } },
  where: string,
): EntityName {
  const { kind } = entity;
  const namespace = entity.metadata?.namespace ?? 'default';
  const name = entity.metadata?.name;
  const issues: string[] = [];
  if (typeof kind !== 'string' || !validator.isValidKind(kind)) {
    issues.push(`${where}kind: not a valid entity kind (letters and digits, e.g. Resource)`);
  }
  if (typeof namespace !== 'string' || !validator.isValidNamespace(namespace)) {
    issues.push(`${where}metadata.namespace: not a valid entity namespace (a DNS label: lower-case letters, digits and "-", at most 63)`);
  }
  if (typeof name !== 'string' || !validator.isValidEntityName(name)) {
    issues.push(`${where}metadata.name: not a valid entity name (at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)`);
  }
  if (issues.length) throw new InputError(issues.join('; '));
  return { kind: kind as string, namespace: namespace as string, name: name as string };
}
