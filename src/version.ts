/**
 * The Kubernetes versions the rules model, and the one they assume by default: the oldest minor
 * still supported upstream when a release is cut. The support windows below are upstream's
 * (kubernetes.io/releases); test/version.test.ts fails once the default's end of life has passed,
 * so the default moves with them.
 */

/** The Kubernetes version assumed when none is given: the oldest minor supported upstream today. */
export const DEFAULT_KUBERNETES_VERSION = '1.35';

/** One Kubernetes minor and its upstream support window (ISO dates, from kubernetes.io/releases). */
export interface SupportWindow {
  /** The minor of 1.x. */
  readonly minor: number;
  /** When 1.x.0 was released. */
  readonly released: string;
  /** The last day of patch support (end of life). */
  readonly endOfLife: string;
}

/**
 * Upstream support windows of the recent minors, oldest first. The default must be one of them and
 * must not be past its end of life; a newer minor is added here when it is released and modelled.
 */
export const SUPPORT_WINDOWS: readonly SupportWindow[] = [
  { minor: 33, released: '2025-04-23', endOfLife: '2026-06-28' },
  { minor: 34, released: '2025-08-27', endOfLife: '2026-10-27' },
  { minor: 35, released: '2025-12-17', endOfLife: '2027-02-28' },
  { minor: 36, released: '2026-04-22', endOfLife: '2027-06-28' },
  { minor: 37, released: '2026-08-26', endOfLife: '2027-10-28' },
];

/** A Kubernetes `major.minor` version. */
export interface KubeVersion {
  readonly major: number;
  readonly minor: number;
  /** The text as given, for messages. */
  readonly text: string;
}

/** The oldest and newest Kubernetes minor versions the rules model (1.x). */
export const OLDEST_MODELLED_MINOR = 21;
export const NEWEST_MODELLED_MINOR = 37;

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

/** The support window of `1.<minor>`, when it is recorded. */
export function supportWindowOf(minor: number): SupportWindow | undefined {
  return SUPPORT_WINDOWS.find(window => window.minor === minor);
}
