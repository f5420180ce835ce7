import { ALL_LISTS, containerEntries, ContainerEntry, setsAnyField } from '../containers';
import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { at, dns1123LabelErrors, finding, isPlainObject, isSet, listField, pushAll, show, stringField } from './_util';

const MOUNT_FIELD = ['volumeMounts'];

/**
 * SC111 — volume mounts and volume names (K14–K18, S10): a mount must name a declared volume
 * (NotFound at `volumeMounts[j].name`), have a mountPath that is unique within the container,
 * use a relative subPath without `..` (reported at `volumeMounts.subPath`, no index, as upstream
 * does) and not combine subPath with subPathExpr. Volume names must be unique DNS-1123 labels; a
 * volume whose name is invalid or repeated is not mountable. A StatefulSet's claim templates count
 * as declared volumes: its controller adds them to each pod.
 */
export const volumeMountsRule: Rule = {
  id: 'SC111',
  severity: Severity.ERROR,
  title: 'a volume mount is invalid, or volume names are missing, malformed or repeated',
  why: 'the API server rejects a mount of an undeclared volume (a StatefulSet\'s volumeClaimTemplates count as declared: its controller adds a volume of each name to every pod), a missing or repeated mountPath, an absolute or ".." subPath, subPath together with subPathExpr, and volumes without a unique DNS-1123 name',
  fix: 'declare every mounted volume once in spec.volumes under a lower-case name, and give each mount a unique mountPath and a relative subPath',
  quiet: 'silent on mounts of a StatefulSet\'s volumeClaimTemplates (or of any controller that keeps volumeClaimTemplates beside its pod template): the controller adds those volumes to every pod',
  source: 'ValidateVolumeMounts, validateLocalDescendingPath, ValidateVolumes (pkg/apis/core/validation/validation.go)',
  check(context: RuleContext): Finding[] {
    if (!isSet(context.spec.volumes) && !setsAnyField(context.spec, ALL_LISTS, MOUNT_FIELD)) return NO_FINDINGS;
    const { findings, mountable } = volumeFindings(context.spec);
    for (const claim of claimTemplateNames(context)) mountable.add(claim);
    for (const entry of containerEntries(context.spec)) {
      const mounts = mountFindings(entry, mountable);
      if (mounts.length > 0) pushAll(findings, mounts);
    }
    return findings;
  },
};

/**
 * The names of the claim templates beside the pod template (`spec.volumeClaimTemplates` of a
 * StatefulSet, or of a custom controller that keeps them in the same place): the controller adds
 * a volume of each name to every pod it creates, so mounting one is valid.
 */
function claimTemplateNames(context: RuleContext): string[] {
  if (!context.specPath.endsWith('.template.spec')) return [];
  let owner: any = context.manifest;
  for (const segment of context.specPath.split('.').slice(0, -2)) owner = isPlainObject(owner) ? owner[segment] : undefined;
  const templates = isPlainObject(owner) ? listField(owner.volumeClaimTemplates) : undefined;
  if (templates === undefined) return [];
  const names: string[] = [];
  for (const template of templates) {
    const name = isPlainObject(template) && isPlainObject(template.metadata) ? stringField(template.metadata.name) : undefined;
    if (name !== undefined && name !== '') names.push(name);
  }
  return names;
}

/** ValidateVolumes: names Required / DNS-1123 label / unique; only clean volumes can be mounted. */
function volumeFindings(spec: any): { findings: Finding[]; mountable: Set<string> } {
  const findings: Finding[] = [];
  // Upstream remembers only volumes that passed validation, for both the duplicate check and mounts.
  const mountable = new Set<string>();
  (listField(spec.volumes) ?? []).forEach((volume, index) => {
    if (!isPlainObject(volume)) return;
    const name = stringField(volume.name);
    if (name === undefined) return;
    const path = `volumes[${index}].name`;
    let clean = true;
    if (name === '') {
      findings.push(finding(path, `volume at volumes[${index}] has no name; a name is required`, 'give the volume a lower-case name'));
      clean = false;
    } else {
      const errors = dns1123LabelErrors(name);
      if (errors.length > 0) {
        findings.push(finding(path, `volume ${show(name)} has a name that is not a DNS-1123 label: ${errors.join('; ')}`, 'rename the volume (and its mounts) to a lower-case label'));
        clean = false;
      }
    }
    if (mountable.has(name)) {
      findings.push(finding(path, `volume name ${show(name)} is declared twice; volume names must be unique`, 'rename or remove the second volume'));
      clean = false;
    }
    if (clean) mountable.add(name);
  });
  return { findings, mountable };
}

function mountFindings(entry: ContainerEntry, mountable: Set<string>): Finding[] {
  const mounts = listField(entry.container.volumeMounts);
  if (mounts === undefined || mounts.length === 0) return NO_FINDINGS;
  const findings: Finding[] = [];
  const mountPaths = new Set<string>();
  mounts.forEach((mount, index) => {
    if (!isPlainObject(mount)) return;
    const path = at(entry, `volumeMounts[${index}]`);
    const name = stringField(mount.name);
    if (name !== undefined) {
      if (name === '') findings.push(finding(`${path}.name`, `${entry.label} has a volume mount without a volume name`, 'set name to a volume declared in spec.volumes'));
      if (!mountable.has(name)) {
        findings.push(finding(`${path}.name`,
          `${entry.label} mounts volume ${show(name)}, which is not declared in the pod's volumes`,
          name === '' ? 'name the volume to mount' : `declare a volume named "${name}" in spec.volumes, or fix the mount's name`));
      }
    }
    const mountPath = stringField(mount.mountPath);
    if (mountPath !== undefined) {
      if (mountPath === '') findings.push(finding(`${path}.mountPath`, `${entry.label} has a volume mount without mountPath`, 'set mountPath to an absolute path in the container'));
      if (mountPaths.has(mountPath)) {
        findings.push(finding(`${path}.mountPath`, `${entry.label} mounts two volumes at ${show(mountPath)}; mountPath must be unique`, 'mount the second volume at a different path'));
      }
      mountPaths.add(mountPath);
    }
    const subPath = stringField(mount.subPath) ?? '';
    const subPathExpr = stringField(mount.subPathExpr) ?? '';
    if (subPath !== '') pushAll(findings, descendingPathFindings(entry, 'subPath', subPath));
    if (subPathExpr !== '') {
      if (subPath !== '') {
        findings.push(finding(`${path}.subPathExpr`, `${entry.label} sets both subPath and subPathExpr on one mount; they are mutually exclusive`, 'keep either subPath or subPathExpr'));
      }
      pushAll(findings, descendingPathFindings(entry, 'subPathExpr', subPathExpr));
    }
  });
  return findings;
}

/** validateLocalDescendingPath, reported at `volumeMounts.<field>` without the index (upstream quirk). */
function descendingPathFindings(entry: ContainerEntry, field: 'subPath' | 'subPathExpr', value: string): Finding[] {
  const findings: Finding[] = [];
  const path = at(entry, `volumeMounts.${field}`);
  if (value.startsWith('/')) {
    findings.push(finding(path, `${entry.label} has ${field} ${show(value)}, which must be a relative path`, `drop the leading "/" from ${field}`));
  }
  if (value.split('/').includes('..')) {
    findings.push(finding(path, `${entry.label} has ${field} ${show(value)}, which must not contain '..'`, `use a ${field} inside the volume, without ".."`));
  }
  return findings;
}
