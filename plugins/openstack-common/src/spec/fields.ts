import { z } from 'zod';

/**
 * The suite's free-text fields, validated where they enter (the cloud spec, the actions' inputs,
 * the backend routes' bodies). Each value ends up in a Kubernetes object or label, an
 * oslo.config INI file, a YAML manifest, a URL or a file path, so each is a closed set of
 * characters with a bound length: no line break, quote, space or INI/YAML/shell metacharacter
 * (`= ; # : { } [ ] & * ! | > % @ \` $`) can reach them.
 */

/**
 * A name token: 1–64 ASCII letters, digits, `.`, `_` and `-`, starting and ending with a letter or
 * digit. Region, Ceph pool and user, LVM volume group, availability zone, aggregate, cluster
 * names. @public
 */
export const SAFE_NAME = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,62}[A-Za-z0-9])?$/;

/** The longest a stored URL may be. @public */
export const MAX_URL_LENGTH = 2048;

/** The zod schema of a {@link SAFE_NAME} field; the message says what to use, e.g. `example`. @public */
export function safeNameField(example: string) {
  return z
    .string()
    .regex(
      SAFE_NAME,
      `must be 1-64 letters, digits, ".", "_" or "-", starting and ending with a letter or digit (no spaces, line breaks or quotes). Use e.g. ${example}`,
    );
}

/**
 * A relative path in a repository or secret store: segments of letters, digits, `.`, `_` and
 * `-` separated by `/`, none of them `.` or `..`, at most 200 characters. @public
 */
export function relativePathField(example: string) {
  return z
    .string()
    .max(200, `is longer than 200 characters. Use a shorter path, e.g. ${example}`)
    .regex(
      /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/,
      `is not a relative path. Use segments of letters, digits, ".", "_" and "-" separated by "/", e.g. ${example}`,
    )
    .refine(p => !p.split('/').some(s => s === '.' || s === '..'), {
      message: `leaves its directory ("." or ".." segment). Use a path inside it, e.g. ${example}`,
    });
}

/** An entity ref of a group or user, e.g. `group:default/platform-team`. @public */
export const OWNER_REF =
  /^(group|user):([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\/)?[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;

/**
 * A URL the backend will fetch: one of `schemes`, no whitespace, no credentials in it, at most
 * {@link MAX_URL_LENGTH} characters. Used for URLs the platform team configures (chart sources):
 * a URL a user types is never fetched.
 *
 * @public
 */
export function urlField(schemes: string[], example: string) {
  return z
    .string()
    .max(MAX_URL_LENGTH, `is longer than ${MAX_URL_LENGTH} characters. Use e.g. ${example}`)
    .superRefine((value, ctx) => {
      const problem = urlProblem(value, schemes);
      if (problem) ctx.addIssue({ code: 'custom', message: `${problem}. Use e.g. ${example}` });
    });
}

function urlProblem(value: string, schemes: string[]): string | undefined {
  const scheme = schemes.find(s => value.startsWith(`${s}://`));
  if (!scheme || /\s/.test(value)) return `is not an ${schemes.map(s => `${s}://`).join(' or ')} URL`;
  let url: URL;
  try {
    // oci:// is fetched over https: parse it as such, so numeric hosts are normalised as fetch does
    url = new URL(value.replace(/^oci:/, 'https:'));
  } catch {
    return 'is not a URL';
  }
  if (!url.hostname) return 'has no host';
  if (url.username || url.password) return 'carries credentials; keep them out of the URL';
  return undefined;
}

/**
 * A refused value as an error message quotes it: JSON (a line break shows as `\n`), at most 80
 * characters of it, so a long or multi-line input cannot flood a log or fake a line of it.
 *
 * @public
 */
export function quoteValue(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 80 ? `${s.slice(0, 77)}…"` : s;
}
