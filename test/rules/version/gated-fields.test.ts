import { ManifestValidator } from '../../../src';
import { specAsValidated } from '../../../src/lifecycle/pod-spec';
import { stopSignalFindings } from '../../../src/rules/api/sc124-stop-signal';
import { parseKubeVersion } from '../../../src/version';
import { APP, deployment, pod, SIDECAR } from '../../manifests';

const lint = (manifest: any, version: string) => ManifestValidator.validate([manifest], { kubernetesVersion: version })
  .map(v => ({ ruleId: v.ruleId, severity: v.severity, path: v.path, message: v.message }));

const withStopSignal = (signal: unknown, extra: any = {}) => deployment({
  ...extra,
  containers: [{ ...APP, lifecycle: { stopSignal: signal } }],
});

describe('SC902: lifecycle.stopSignal while ContainerStopSignals is off (alpha 1.33, still alpha in 1.37)', () => {
  test('on 1.37 an invalid stop signal is dropped by the API server: a warning at the field, no error', () => {
    expect(lint(withStopSignal('SIGFOO', { os: { name: 'linux' } }), '1.37')).toEqual([{
      ruleId: 'SC902',
      severity: 'warning',
      path: 'spec.template.spec.containers[0].lifecycle.stopSignal',
      message: 'container "app" sets lifecycle.stopSignal "SIGFOO", but the ContainerStopSignals feature gate is alpha and off by default in Kubernetes 1.37: the API server drops the field before validating it, and the container is stopped with its image\'s STOPSIGNAL (SIGTERM when the image sets none); where the gate is on, "SIGFOO" is rejected: it is not a stop signal Kubernetes accepts (SIGTERM, SIGQUIT, SIGINT, SIGUSR1, ...)',
    }]);
  });

  test('a valid signal on the default version: the same warning without the note on the value', () => {
    const [only] = lint(withStopSignal('SIGQUIT'), '1.35');
    expect(only.message).toBe('container "app" sets lifecycle.stopSignal "SIGQUIT", but the ContainerStopSignals feature gate is alpha and off by default in Kubernetes 1.35: the API server drops the field before validating it, and the container is stopped with its image\'s STOPSIGNAL (SIGTERM when the image sets none)');
    expect(ManifestValidator.validate([withStopSignal('SIGQUIT')])).toEqual([expect.objectContaining({ ruleId: 'SC902', severity: 'warning' })]);
  });

  test('before 1.33 the field is unknown: strict field validation rejects it', () => {
    expect(lint(withStopSignal('SIGQUIT'), '1.32')).toEqual([{
      ruleId: 'SC902',
      severity: 'error',
      path: 'spec.template.spec.containers[0].lifecycle.stopSignal',
      message: 'container "app" sets lifecycle.stopSignal "SIGQUIT", which Kubernetes 1.32 does not know (the ContainerStopSignals feature gate arrives in 1.33): strict field validation rejects it as an unknown field',
    }]);
  });

  test('a plain init container holding only stopSignal: dropped with the lifecycle, so SC102 has nothing to forbid', () => {
    const manifest = pod({ initContainers: [{ name: 'init', image: 'i', lifecycle: { stopSignal: 'SIGTERM' } }], containers: [APP] });
    expect(lint(manifest, '1.35').map(f => `${f.ruleId} ${f.severity} ${f.path}`)).toEqual(['SC902 warning spec.initContainers[0].lifecycle.stopSignal']);
  });

  test('specAsValidated drops stopSignal (and a lifecycle left empty) and keeps the hooks', () => {
    const spec = {
      initContainers: [{ ...SIDECAR, lifecycle: { stopSignal: 'SIGINT', preStop: { sleep: { seconds: 5 } } } }],
      containers: [{ ...APP, lifecycle: { stopSignal: 'SIGQUIT' } }],
    };
    const validated = specAsValidated(spec, parseKubeVersion('1.37'));
    expect(validated.initContainers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(validated.containers[0]).toEqual(APP);
    expect(spec.containers[0].lifecycle).toEqual({ stopSignal: 'SIGQUIT' });
    const clean = { containers: [APP] };
    expect(specAsValidated(clean, parseKubeVersion('1.37'))).toBe(clean);
  });
});

describe('SC902: pod-level resources before PodLevelResources is on (beta 1.34)', () => {
  const manifest = pod({ resources: { requests: { cpu: '1' } }, containers: [APP] });

  test('1.33 drops it (warning); 1.31 does not know it (error); 1.34 validates it (no SC902)', () => {
    expect(lint(manifest, '1.33')).toEqual([{
      ruleId: 'SC902',
      severity: 'warning',
      path: 'spec.resources',
      message: 'the pod sets resources at pod level, but the PodLevelResources feature gate is alpha and off by default in Kubernetes 1.33: the API server drops the field before validating it',
    }]);
    expect(lint(manifest, '1.31').map(f => `${f.ruleId} ${f.severity}`)).toEqual(['SC902 error']);
    expect(lint(manifest, '1.34')).toEqual([]);
  });
});

describe('SC124: stop signals where ContainerStopSignals is on', () => {
  test('is silent on every modelled version (the gate is alpha through 1.37)', () => {
    const findings = lint(withStopSignal('SIGFOO'), '1.37');
    expect(findings.map(f => f.ruleId)).toEqual(['SC902']);
  });

  test('the checks a cluster with the gate on makes: spec.os.name required, a signal of the pod OS', () => {
    const spec = (os: any, signal: string) => ({ ...(os ? { os: { name: os } } : {}), containers: [{ ...APP, lifecycle: { stopSignal: signal } }] });
    expect(stopSignalFindings(spec(undefined, 'SIGQUIT'))).toEqual([{
      path: 'containers[0].lifecycle.stopSignal',
      message: 'container "app" sets lifecycle.stopSignal "SIGQUIT", which may only be set when the pod sets spec.os.name (linux or windows)',
      fix: 'set spec.os.name to the OS of the nodes the pod runs on',
    }]);
    expect(stopSignalFindings(spec('linux', 'SIGQUIT'))).toEqual([]);
    expect(stopSignalFindings(spec('linux', 'SIGRTMIN+3'))).toEqual([]);
    expect(stopSignalFindings(spec('linux', 'SIGFOO'))[0].message).toBe('container "app" sets lifecycle.stopSignal "SIGFOO", which is not a Linux stop signal');
    expect(stopSignalFindings(spec('windows', 'SIGKILL'))).toEqual([]);
    expect(stopSignalFindings(spec('windows', 'SIGQUIT'))[0].message).toBe('container "app" sets lifecycle.stopSignal "SIGQUIT"; a Windows pod supports only "SIGKILL" and "SIGTERM"');
  });
});
