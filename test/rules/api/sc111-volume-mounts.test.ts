import { expectNoCrash, found, run } from './_helpers';
import { volumeMountsRule } from '../../../src/rules/api';
import { APP, deployment, pod, SIDECAR, statefulSet } from '../../manifests';

const rules = [volumeMountsRule];
const volumes = [{ name: 'data', emptyDir: {} }, { name: 'config', configMap: { name: 'c' } }];

describe('SC111 volume mounts and volume names', () => {
  test('mounts of declared volumes are fine, shared by app and sidecar', () => {
    const spec = {
      volumes,
      containers: [{ ...APP, volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'config', mountPath: '/etc/app', subPath: 'app.yaml' }] }],
      initContainers: [{ ...SIDECAR, volumeMounts: [{ name: 'data', mountPath: '/data', subPathExpr: '$(POD_NAME)' }] }],
    };
    expect(found(pod(spec), '1.33', rules)).toEqual([]);
  });

  test('an undeclared volume is NotFound at volumeMounts[j].name', () => {
    const [v] = run(pod({ volumes, containers: [APP], initContainers: [{ ...SIDECAR, volumeMounts: [{ name: 'certs', mountPath: '/certs' }] }] }), '1.33', rules);
    expect(v).toMatchObject({ ruleId: 'SC111', severity: 'error', path: 'spec.initContainers[0].volumeMounts[0].name' });
    expect(v.message).toBe('sidecar "proxy" mounts volume "certs", which is not declared in the pod\'s volumes');
  });

  test('a StatefulSet may mount its volumeClaimTemplates: the controller adds those volumes to each pod', () => {
    const withClaims = (manifest: any, claims: any[]) => ({ ...manifest, spec: { ...manifest.spec, serviceName: 'db', volumeClaimTemplates: claims } });
    const spec = {
      containers: [{ ...APP, volumeMounts: [{ name: 'pgdata', mountPath: '/var/lib/postgresql' }] }],
      initContainers: [{ name: 'restore', image: 'registry.example.com/restore:1', volumeMounts: [{ name: 'pgdata', mountPath: '/restore' }] }],
    };
    const claim = { metadata: { name: 'pgdata' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    expect(found(withClaims(statefulSet(spec), [claim]), '1.35', rules)).toEqual([]);
    // A claim template of another name, or one beside a Deployment's template, declares nothing.
    expect(found(withClaims(statefulSet(spec), [{ ...claim, metadata: { name: 'other' } }]), '1.35', rules)).toEqual([
      'SC111 spec.template.spec.containers[0].volumeMounts[0].name',
      'SC111 spec.template.spec.initContainers[0].volumeMounts[0].name',
    ]);
    expect(found(withClaims(statefulSet(spec), [null, { metadata: 'x' }, 'y']), '1.35', rules)).toHaveLength(2);
    expect(found(pod({ ...spec, volumeClaimTemplates: [claim] }), '1.35', rules)).toHaveLength(2);
  });

  test('mountPath required and unique', () => {
    const mounts = [{ name: 'data', mountPath: '/data' }, { name: 'config', mountPath: '/data' }, { name: 'data', mountPath: '' }];
    expect(found(pod({ volumes, containers: [{ ...APP, volumeMounts: mounts }] }), '1.33', rules)).toEqual([
      'SC111 spec.containers[0].volumeMounts[1].mountPath',
      'SC111 spec.containers[0].volumeMounts[2].mountPath',
    ]);
  });

  test('subPath is reported at volumeMounts.subPath without an index (upstream quirk)', () => {
    const mounts = [{ name: 'data', mountPath: '/a' }, { name: 'data', mountPath: '/b', subPath: '/etc' }, { name: 'data', mountPath: '/c', subPath: 'x/../..' }];
    const violations = run(pod({ volumes, containers: [{ ...APP, volumeMounts: mounts }] }), '1.33', rules);
    expect(violations.map(v => v.path)).toEqual(['spec.containers[0].volumeMounts.subPath', 'spec.containers[0].volumeMounts.subPath']);
    expect(violations[0].message).toBe('container "app" has subPath "/etc", which must be a relative path');
    expect(violations[1].message).toBe('container "app" has subPath "x/../..", which must not contain \'..\'');
  });

  test('subPath and subPathExpr together', () => {
    const mounts = [{ name: 'data', mountPath: '/a', subPath: 'a', subPathExpr: '$(X)' }];
    expect(found(deployment({ volumes, containers: [{ ...APP, volumeMounts: mounts }] }), '1.33', rules)).toEqual(['SC111 spec.template.spec.containers[0].volumeMounts[0].subPathExpr']);
  });

  test('duplicate and malformed volume names; a bad volume is not mountable', () => {
    const spec = { volumes: [{ name: 'data' }, { name: 'data' }, { name: 'Bad_Name' }, { emptyDir: {} }], containers: [{ ...APP, volumeMounts: [{ name: 'Bad_Name', mountPath: '/x' }] }] };
    expect(found(pod(spec), '1.33', rules)).toEqual([
      'SC111 spec.containers[0].volumeMounts[0].name',
      'SC111 spec.volumes[1].name',
      'SC111 spec.volumes[2].name',
      'SC111 spec.volumes[3].name',
    ]);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
