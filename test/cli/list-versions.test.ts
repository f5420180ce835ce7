import { buildCli, runCli } from './run-cli';
import { formatVersions } from '../../src/cli/versions';

beforeAll(() => {
  buildCli();
});

describe('lint --list-versions', () => {
  test('lists the modelled versions, the default and the upstream support windows', () => {
    const listing = formatVersions('2026-12-07');
    expect(listing.split('\n').slice(0, 9)).toEqual([
      'Kubernetes versions the rules model: 1.21 to 1.37; default 1.35 (the oldest minor supported upstream when this release was cut)',
      '',
      'version  released    end of life  upstream support',
      '1.33     2025-04-23  2026-06-28   ended',
      '1.34     2025-08-27  2026-10-27   ended',
      '1.35     2025-12-17  2027-02-28   supported (default)',
      '1.36     2026-04-22  2027-06-28   supported',
      '1.37     2026-08-26  2027-10-28   supported (newest modelled)',
      '1.21 to 1.32 are modelled too, for clusters that still run them (upstream support has ended)',
    ]);
    expect(listing).toContain('  ContainerStopSignals                  alpha 1.33, off in every modelled version (KEP-4960)\n');
    expect(listing).toContain('  PodLevelResourcesFixDefaulting        on 1.37 (kubernetes/kubernetes#140514, KEP-2837)\n');
  });

  test('the command prints it and exits 0', async () => {
    const run = await runCli(['lint', '--list-versions']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Kubernetes versions the rules model: 1\.21 to 1\.37; default 1\.35 /);
    expect(run.stdout).toContain('\n1.35     2025-12-17  2027-02-28   ');
  });
});
