/** The version in package.json next to lib/ (or src/); "unknown" when run from elsewhere. */
export function packageVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const version = require('../../package.json').version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}
