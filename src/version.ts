/** The Kubernetes version assumed when none is given. */
export const DEFAULT_KUBERNETES_VERSION = '1.33';

/** A Kubernetes `major.minor` version. */
export interface KubeVersion {
  readonly major: number;
  readonly minor: number;
  /** The text as given, for messages. */
  readonly text: string;
}

/** The oldest and newest Kubernetes minor versions the rules model (1.x). */
export const OLDEST_MODELLED_MINOR = 21;
export const NEWEST_MODELLED_MINOR = 36;

/** `1.33`, `v1.33`, `1.33.2`: plain numbers without leading zeros (no `1.033`, no `1.999999999999999999`). */
const VERSION_PATTERN = /^v?(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,3}))?$/;

/**
 * Parse `'1.33'`, `'v1.33'` or `'1.33.2'`, within the versions the rules model
 * (1.OLDEST_MODELLED_MINOR to 1.NEWEST_MODELLED_MINOR). Throws a plain error naming the bad
 * value and the accepted range otherwise.
 */
export function parseKubeVersion(text: string | undefined, where = 'kubernetesVersion'): KubeVersion {
  const value = text ?? DEFAULT_KUBERNETES_VERSION;
  const match = VERSION_PATTERN.exec(String(value).trim());
  if (!match) {
    throw new Error(`${where} "${String(value)}" is not a Kubernetes version; use "major.minor" from 1.${OLDEST_MODELLED_MINOR} to 1.${NEWEST_MODELLED_MINOR}, e.g. "${DEFAULT_KUBERNETES_VERSION}"`);
  }
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major !== 1 || minor < OLDEST_MODELLED_MINOR || minor > NEWEST_MODELLED_MINOR) {
    throw new Error(`${where} "${String(value)}" is outside the versions the rules model; use 1.${OLDEST_MODELLED_MINOR} to 1.${NEWEST_MODELLED_MINOR} (for a newer cluster, 1.${NEWEST_MODELLED_MINOR})`);
  }
  return { major, minor, text: `${major}.${minor}` };
}

/**
 * `parseKubeVersion` for callers that read the same text object after object (every workload of
 * an app, every manifest of a stream): the last text read is remembered, and `where` is asked
 * for only when the text differs from it (it names the place in the error).
 */
export function parseKubeVersionAgain(text: string | undefined, where: () => string = () => 'kubernetesVersion'): KubeVersion {
  if (lastRead === undefined || lastRead.text !== text) lastRead = { text, version: parseKubeVersion(text, where()) };
  return lastRead.version;
}

let lastRead: { readonly text: string | undefined; readonly version: KubeVersion } | undefined;

/** Whether `version` is at least `1.<minor>`. */
export function isAtLeast(version: KubeVersion, minor: number): boolean {
  return version.major > 1 || (version.major === 1 && version.minor >= minor);
}
