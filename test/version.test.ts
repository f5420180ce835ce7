import { DEFAULT_KUBERNETES_VERSION, NEWEST_MODELLED_MINOR, parseKubeVersion, SUPPORT_WINDOWS, supportWindowOf } from '../src/version';

describe('the default Kubernetes version', () => {
  test('is the oldest minor still supported upstream; this fails once its end of life has passed', () => {
    const minor = parseKubeVersion(DEFAULT_KUBERNETES_VERSION).minor;
    const window = supportWindowOf(minor);
    expect(window).toBeDefined();
    const today = new Date().toISOString().slice(0, 10);
    // When this fails, move DEFAULT_KUBERNETES_VERSION (src/version.ts, README, docs/cli.md) to the
    // oldest minor whose end of life is still ahead, and record newer windows in SUPPORT_WINDOWS.
    expect({ default: DEFAULT_KUBERNETES_VERSION, endOfLife: window!.endOfLife, today: today <= window!.endOfLife })
      .toEqual({ default: DEFAULT_KUBERNETES_VERSION, endOfLife: window!.endOfLife, today: true });
    // No older recorded minor is still supported: the default is the oldest supported one.
    const olderSupported = SUPPORT_WINDOWS.filter(w => w.minor < minor && w.endOfLife >= today).map(w => `1.${w.minor}`);
    expect(olderSupported).toEqual([]);
  });

  test('1.35 today, with the windows upstream publishes', () => {
    expect(DEFAULT_KUBERNETES_VERSION).toBe('1.35');
    expect(supportWindowOf(35)).toEqual({ minor: 35, released: '2025-12-17', endOfLife: '2027-02-28' });
    expect(SUPPORT_WINDOWS.map(w => w.minor)).toEqual([33, 34, 35, 36, 37]);
    // Windows are in order, and the newest modelled minor has one.
    for (let i = 1; i < SUPPORT_WINDOWS.length; i++) expect(SUPPORT_WINDOWS[i].endOfLife > SUPPORT_WINDOWS[i - 1].endOfLife).toBe(true);
    expect(supportWindowOf(NEWEST_MODELLED_MINOR)).toBeDefined();
  });

  test('versions up to 1.37 are modelled; 1.38 is refused', () => {
    expect(parseKubeVersion('1.37').text).toBe('1.37');
    expect(() => parseKubeVersion('1.38')).toThrow('kubernetesVersion "1.38" is outside the versions the rules model; use 1.21 to 1.37 (for a newer cluster, 1.37)');
  });
});
