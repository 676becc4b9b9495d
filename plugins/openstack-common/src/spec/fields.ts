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

const v4 = (host: string) => {
  const m = host.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  return m ? m.slice(1).map(Number) : undefined;
};

/**
 * Why a URL's host may not be reached from the backend (loopback, private, link-local, carrier
 * NAT, unspecified or IPv4-mapped addresses, `localhost`), or undefined. Literal addresses only:
 * a public name that resolves to a private address is for the network policy to stop.
 *
 * @public
 */
export function internalHostReason(hostname: string): string | undefined {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return 'is localhost';
  const ip = v4(host);
  if (ip) {
    const [a, b] = ip;
    if (a === 127) return 'is a loopback address';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'is a private address';
    if (a === 169 && b === 254) return 'is a link-local address (e.g. a cloud metadata service)';
    if (a === 100 && b >= 64 && b <= 127) return 'is a carrier-grade NAT address';
    if (a === 0) return 'is an unspecified address';
    return undefined;
  }
  if (!host.includes(':')) return undefined;
  if (host === '::1') return 'is a loopback address';
  if (host === '::') return 'is an unspecified address';
  if (/^f[cd][0-9a-f]{0,2}:/.test(host)) return 'is a private (unique local) address';
  if (/^fe[89ab][0-9a-f]?:/.test(host)) return 'is a link-local address';
  if (host.startsWith('::ffff:')) return 'is an IPv4-mapped address';
  return undefined;
}

/**
 * A URL the backend will fetch: one of `schemes`, no whitespace, no credentials in it, at most
 * {@link MAX_URL_LENGTH} characters. Whether its host may be reached is the fetching action's
 * rule ({@link internalUrlReason}): an operator may trust an internal source by config.
 *
 * @public
 */
export function publicUrlField(schemes: string[], example: string) {
  return z
    .string()
    .max(MAX_URL_LENGTH, `is longer than ${MAX_URL_LENGTH} characters. Use e.g. ${example}`)
    .superRefine((value, ctx) => {
      const problem = publicUrlProblem(value, schemes);
      if (problem) ctx.addIssue({ code: 'custom', message: `${problem}. Use e.g. ${example}` });
    });
}

function publicUrlProblem(value: string, schemes: string[]): string | undefined {
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
 * Why the backend will not fetch `value` for a user (its host is loopback, private, link-local…,
 * see {@link internalHostReason}), or undefined. `oci://` is read as the `https://` it is fetched over.
 *
 * @public
 */
export function internalUrlReason(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.replace(/^oci:/, 'https:'));
  } catch {
    return 'is not a URL';
  }
  const reason = internalHostReason(url.hostname);
  return reason ? `has a host that ${reason}, which the backend does not reach for a user` : undefined;
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
