import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { ManifestValidator, SidecarPod } from '../../src';
import { specAsValidated } from '../../src/lifecycle/pod-spec';
import { parseKubeVersion } from '../../src/version';
import { APP, pod, SIDECAR } from '../manifests';

// Before 1.29 the SidecarContainers gate is off by default, and the API server drops
// restartPolicy from every init container before it validates (dropDisabledFields): the pod is
// judged, and run, as if the field had never been written.

const found = (manifest: any, version: string) =>
  ManifestValidator.validate([manifest], { kubernetesVersion: version }).map(v => `${v.ruleId} ${v.severity} ${v.path}`);

describe('init containers lose restartPolicy before 1.29', () => {
  test.each(['Never', 'OnFailure', 'always', ''])('restartPolicy %j on an init container is dropped on 1.28, rejected on 1.29 and later', value => {
    const manifest = pod({ initContainers: [{ name: 'init', image: 'busybox:1', restartPolicy: value }], containers: [APP] });
    expect(found(manifest, '1.28').filter(f => f.startsWith('SC101'))).toEqual([]);
    expect(found(manifest, '1.29').filter(f => f.startsWith('SC101'))).toEqual(['SC101 error spec.initContainers[0].restartPolicy']);
  });

  test('a would-be sidecar with probes is a plain init container on 1.28: SC901, then one Forbidden per probe and no check of the probe bodies', () => {
    const manifest = pod({
      initContainers: [{ ...SIDECAR, startupProbe: { tcpSocket: { port: 15000 } }, livenessProbe: {} }],
      containers: [APP],
    });
    const on128 = found(manifest, '1.28').filter(f => !f.startsWith('SC3'));
    expect(on128).toEqual([
      'SC102 error spec.initContainers[0].livenessProbe',
      'SC102 error spec.initContainers[0].startupProbe',
      'SC901 error spec.initContainers[0].restartPolicy',
    ]);
    // From 1.29 it is a sidecar: its probes are allowed, and the empty one is checked.
    expect(found(manifest, '1.29').filter(f => !f.startsWith('SC3') && !f.startsWith('SC2'))).toEqual([
      'SC108 error spec.initContainers[0].livenessProbe',
    ]);
  });

  test('the lifecycle of a SidecarPod on 1.28 is that of a blocking init container', () => {
    const chart = Testing.chart();
    const old = new SidecarPod(chart, 'old', { kubernetesVersion: '1.28', restartPolicy: kplus.RestartPolicy.NEVER });
    old.addSidecar({ name: 'proxy', image: 'proxy:1' });
    old.addContainer({ name: 'app', image: 'app:1' });
    expect(old.describeLifecycle().shutdownOrder).toEqual(['app']);
    const current = new SidecarPod(chart, 'current', { kubernetesVersion: '1.29', restartPolicy: kplus.RestartPolicy.NEVER });
    current.addSidecar({ name: 'proxy', image: 'proxy:1' });
    current.addContainer({ name: 'app', image: 'app:1' });
    expect(current.describeLifecycle().shutdownOrder).toEqual(['app', 'proxy']);
  });

  test('specAsValidated copies only when something is dropped, and never touches its input', () => {
    const untouched = { initContainers: [{ name: 'init', image: 'i' }], containers: [APP] };
    expect(specAsValidated(untouched, parseKubeVersion('1.28'))).toBe(untouched);
    const spec = { initContainers: [{ ...SIDECAR }, null, 'junk'], containers: [APP] };
    expect(specAsValidated(spec, parseKubeVersion('1.33'))).toBe(spec);
    const dropped = specAsValidated(spec, parseKubeVersion('1.27'));
    expect(dropped.initContainers).toEqual([{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.0' }, null, 'junk']);
    expect(spec.initContainers[0]).toEqual(SIDECAR);
  });
});
