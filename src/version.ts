/** The Kubernetes version assumed when none is given. */
export const DEFAULT_KUBERNETES_VERSION = '1.33';

/** A Kubernetes `major.minor` version. */
export interface KubeVersion {
  readonly major: number;
  readonly minor: number;
  /** The text as given, for messages. */
  readonly text: string;
}

const VERSION_PATTERN = /^v?(\d+)\.(\d+)(?:\.\d+)?$/;

/**
 * Parse `'1.33'`, `'v1.33'` or `'1.33.2'`. Throws a plain error naming the bad value otherwise.
 */
export function parseKubeVersion(text: string | undefined, where = 'kubernetesVersion'): KubeVersion {
  const value = text ?? DEFAULT_KUBERNETES_VERSION;
  const match = VERSION_PATTERN.exec(String(value).trim());
  if (!match) {
    throw new Error(`${where} "${value}" is not a Kubernetes version; use "major.minor", e.g. "${DEFAULT_KUBERNETES_VERSION}"`);
  }
  return { major: Number(match[1]), minor: Number(match[2]), text: `${match[1]}.${match[2]}` };
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
