import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What {@link configKeyNames} found in a package. @public */
export interface ConfigKeyNames {
  /** Every property name its config.d.ts declares (containers included). */
  declared: string[];
  /** Every key segment its non-test source reads (`config.get*('a.b')`, readers' `str('x')`). */
  read: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return name === '__testUtils__' || name === 'testUtils' || name === 'integration'
        ? []
        : sourceFiles(path);
    }
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/**
 * The config keys a package declares (its config.d.ts) and the ones its source reads, by name,
 * for a test that each declared key is read and each read key declared. Reads are string
 * literals given to a Config's `getString`/`getOptionalConfig`/… call, or to a package's own reader
 * helper named in `readers`; a `${...}` segment (a map key) is skipped.
 *
 * @public
 */
export function configKeyNames(
  packageDir: string,
  readers: string[] = [],
): ConfigKeyNames {
  const schema = readFileSync(join(packageDir, 'config.d.ts'), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '');
  const declared = new Set<string>();
  for (const m of schema.matchAll(/(?:^|[{;,])\s*(?:readonly\s+)?(\w+)\??\s*:/gm)) {
    declared.add(m[1]);
  }
  declared.delete('Config');
  const calls = [
    'get(?:Optional)?(?:String|Number|Boolean|Config|ConfigArray|StringArray)',
    ...readers,
  ].join('|');
  const pattern = new RegExp(`\\b(?:${calls})\\(\\s*(['"\`])([^'"\`]+)\\1`, 'g');
  const read = new Set<string>();
  for (const file of sourceFiles(join(packageDir, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(pattern)) {
      for (const segment of m[2].split('.')) {
        if (!segment.includes('${') && /^\w+$/.test(segment)) read.add(segment);
      }
    }
  }
  return { declared: [...declared].sort(), read: [...read].sort() };
}
