/**
 * `cdk8s-sidecars lint --list-versions`: the Kubernetes versions the rules model, the default, the
 * upstream support windows recorded beside it (src/version.ts) and the feature gates that change
 * the rules (src/feature-gates.ts).
 */
import { FEATURE_GATES } from '../feature-gates';
import { DEFAULT_KUBERNETES_VERSION, NEWEST_MODELLED_MINOR, OLDEST_MODELLED_MINOR, SUPPORT_WINDOWS } from '../version';

/** The listing, with each window's status as of `today` (an ISO date, `2026-12-07`). */
export function formatVersions(today: string): string {
  const lines = [
    `Kubernetes versions the rules model: 1.${OLDEST_MODELLED_MINOR} to 1.${NEWEST_MODELLED_MINOR}; default ${DEFAULT_KUBERNETES_VERSION} (the oldest minor supported upstream when this release was cut)`,
    '',
    'version  released    end of life  upstream support',
  ];
  for (const window of SUPPORT_WINDOWS) {
    const text = `1.${window.minor}`;
    const status = window.endOfLife < today ? 'ended' : window.released > today ? 'not released yet' : 'supported';
    const notes = [text === DEFAULT_KUBERNETES_VERSION ? 'default' : '', window.minor === NEWEST_MODELLED_MINOR ? 'newest modelled' : ''].filter(Boolean);
    lines.push(`${text.padEnd(9)}${window.released}  ${window.endOfLife}   ${status}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`);
  }
  const firstWindow = SUPPORT_WINDOWS[0].minor;
  if (firstWindow > OLDEST_MODELLED_MINOR) {
    lines.push(`1.${OLDEST_MODELLED_MINOR} to 1.${firstWindow - 1} are modelled too, for clusters that still run them (upstream support has ended)`);
  }
  lines.push('', 'feature gates the rules follow (on by default from):');
  for (const gate of Object.values(FEATURE_GATES)) {
    const stages = [
      gate.alpha !== undefined ? `alpha 1.${gate.alpha}` : '',
      gate.onByDefault !== undefined ? `on 1.${gate.onByDefault}` : 'off in every modelled version',
      gate.ga !== undefined ? `GA 1.${gate.ga}` : '',
    ].filter(Boolean).join(', ');
    lines.push(`  ${gate.name.padEnd(38)}${stages} (${gate.source})`);
  }
  return lines.join('\n') + '\n';
}
