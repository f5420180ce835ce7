import { expectNoCrash, found, run } from './_helpers';
import { ManifestValidator } from '../../../src';
import { apiWarningsRule } from '../../../src/rules/api';
import { APP, deployment, pod, SIDECAR } from '../../manifests';

const rules = [apiWarningsRule];

describe('SC121 what the API server accepts with a warning', () => {
  test('a pod with distinct ports, single env names and whole bytes draws no warning', () => {
    const spec = {
      initContainers: [{ ...SIDECAR, ports: [{ containerPort: 15001 }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }],
      containers: [{ ...APP, ports: [{ containerPort: 8080 }, { containerPort: 8080, protocol: 'UDP' }], resources: { requests: { memory: '64Mi', cpu: '100m' }, limits: { 'memory': '1.5Gi', 'ephemeral-storage': '1G' } } }],
    };
    expect(found(pod(spec), '1.33', rules)).toEqual([]);
  });

  test('a sidecar and the app declaring the same port: the later one in the API server\'s order is named', () => {
    const spec = { initContainers: [{ ...SIDECAR, ports: [{ containerPort: 8080 }] }], containers: [{ ...APP, ports: [{ containerPort: 8080, protocol: 'TCP' }] }] };
    const [v] = run(deployment(spec), '1.33', rules);
    expect(v).toMatchObject({ ruleId: 'SC121', severity: 'warning', path: 'spec.template.spec.containers[0].ports[0]' });
    expect(v.message).toBe('container "app" declares port 8080/TCP, which is already declared at spec.template.spec.initContainers[0].ports[0] (a duplicate port definition); the containers of a pod share one network, so only one process can listen there');
  });

  test('a run-once init container has exited before the app starts: the warning stays, the explanation says so', () => {
    const seed = { name: 'seed', image: 'registry.example.com/seed:1', ports: [{ containerPort: 8080 }] };
    const [v] = run(pod({ initContainers: [seed], containers: [{ ...APP, ports: [{ containerPort: 8080 }] }] }), '1.35', rules);
    expect(v).toMatchObject({ severity: 'warning', path: 'spec.containers[0].ports[0]' });
    expect(v.message).toBe('container "app" declares port 8080/TCP, which is already declared at spec.initContainers[0].ports[0] (a duplicate port definition); init container "seed" runs to completion before "app" starts, so the two never listen at the same time; the API server warns anyway');
    expect(v.fix).toBe('declare the port once, on the container that serves it, to silence the warning');
    // A sidecar started before the init container runs beside it.
    const [beside] = run(pod({ initContainers: [{ ...SIDECAR, ports: [{ containerPort: 8080 }] }, seed], containers: [APP] }), '1.35', rules);
    expect(beside.message).toContain('the containers of a pod share one network, so only one process can listen there');
    const [after] = run(pod({ initContainers: [seed, { ...SIDECAR, ports: [{ containerPort: 8080 }] }], containers: [APP] }), '1.35', rules);
    expect(after.message).toContain('init container "seed" runs to completion before "proxy" starts');
  });

  test('a port many containers declare is one finding, not one per pair', () => {
    const initContainers = Array.from({ length: 1000 }, (_, i) => ({ name: `s${i}`, image: 'registry.example.com/s:1', restartPolicy: 'Always', ports: [{ containerPort: 9000 }] }));
    const violations = run(pod({ initContainers, containers: [APP] }), '1.35', rules);
    expect(violations).toHaveLength(1);
    expect(violations[0].path).toBe('spec.initContainers[1].ports[0]');
    expect(violations[0].message).toContain('(a duplicate port definition); 998 more declarations repeat it;');
  });

  test('a port name two containers or sidecars use: Services and probes selecting it reach the first', () => {
    const spec = {
      initContainers: [{ name: 'seed', image: 's:1', ports: [{ containerPort: 1, name: 'metrics' }] }, { ...SIDECAR, ports: [{ containerPort: 9901, name: 'metrics' }] }],
      containers: [{ ...APP, ports: [{ containerPort: 9090, name: 'metrics' }, { containerPort: 8080, name: 'http' }] }, { name: 'b', image: 'b:1', ports: [{ containerPort: 9091, name: 'metrics' }] }],
    };
    const violations = run(deployment(spec), '1.35', rules);
    expect(violations.map(v => v.path)).toEqual(['spec.template.spec.containers[0].ports[0]']);
    expect(violations[0].message).toBe('container "app" names a port "metrics", like spec.template.spec.initContainers[1].ports[0] and 1 more; Services and probes that select the port by name will use spec.template.spec.initContainers[1].ports[0]');
  });

  test('host ports decide between duplicate, overlapping and dangerously ambiguous, as upstream words them', () => {
    const twice = (a: any, b: any) => run(pod({ containers: [{ ...APP, ports: [a] }, { name: 'b', image: 'b:1', ports: [b] }] }), '1.33', rules).map(v => v.message.replace(/.*\((.*)\).*/, '$1'));
    expect(twice({ containerPort: 80, hostPort: 8080 }, { containerPort: 80 })).toEqual(['an overlapping port definition']);
    expect(twice({ containerPort: 80, hostPort: 8080, hostIP: '10.0.0.1' }, { containerPort: 80, hostPort: 8080 })).toEqual(['a dangerously ambiguous port definition']);
    expect(twice({ containerPort: 80, hostPort: 8080, hostIP: '10.0.0.1' }, { containerPort: 80, hostPort: 8080, hostIP: '10.0.0.2' })).toEqual([]);
    expect(twice({ containerPort: 80, hostPort: 8080 }, { containerPort: 80, hostPort: 9090 })).toEqual([]);
  });

  test('with hostNetwork a bare Pod\'s missing hostPort is defaulted first, a template\'s is not', () => {
    const spec = { hostNetwork: true, containers: [{ ...APP, ports: [{ containerPort: 80, hostPort: 80 }] }, { name: 'b', image: 'b:1', ports: [{ containerPort: 80 }] }] };
    expect(run(pod(spec), '1.33', rules).map(v => v.message.replace(/.*\((.*)\).*/, '$1'))).toEqual(['a duplicate port definition']);
    expect(run(deployment(spec), '1.33', rules).map(v => v.message.replace(/.*\((.*)\).*/, '$1'))).toEqual(['an overlapping port definition']);
  });

  test('hostIP without hostPort', () => {
    const [v] = run(pod({ containers: [{ ...APP, ports: [{ containerPort: 80, hostIP: '10.0.0.1' }] }] }), '1.33', rules);
    expect(v).toMatchObject({ path: 'spec.containers[0].ports[0]', message: 'container "app" sets hostIP "10.0.0.1" on port 80 without a hostPort, so hostIP does nothing' });
  });

  test('an env var that hides an earlier one, unless it builds on it with $(NAME)', () => {
    const env = (later: any) => found(pod({ containers: [{ ...APP, env: [{ name: 'PATH', value: '/bin' }, later] }] }), '1.33', rules);
    expect(env({ name: 'PATH', value: '/usr/bin' })).toEqual(['SC121 spec.containers[0].env[1]']);
    expect(env({ name: 'PATH', value: '$(PATH)' })).toEqual(['SC121 spec.containers[0].env[1]']);
    expect(env({ name: 'PATH', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } }, value: '$(PATH):/x' })).toEqual(['SC121 spec.containers[0].env[1]']);
    expect(env({ name: 'PATH' })).toEqual(['SC121 spec.containers[0].env[1]']);
    expect(env({ name: 'PATH', value: '$(PATH):/usr/local/bin' })).toEqual([]);
    expect(env({ name: 'HOME', value: '/root' })).toEqual([]);
  });

  test('fractional bytes in memory and ephemeral-storage, in containers, sidecars and the pod overhead; CPU may be fractional', () => {
    const spec = {
      initContainers: [{ ...SIDECAR, resources: { requests: { memory: '100m' } } }],
      containers: [{ ...APP, resources: { limits: { 'ephemeral-storage': '0.5', 'cpu': '0.5' }, requests: { memory: '1e-3', cpu: '100m' } } }],
      overhead: { memory: '1.5' },
    };
    // In the API server's order: init containers, regular containers, then the pod.
    expect(run(pod(spec), '1.33', rules).map(v => v.path)).toEqual([
      'spec.initContainers[0].resources.requests[memory]',
      'spec.containers[0].resources.limits[ephemeral-storage]',
      'spec.containers[0].resources.requests[memory]',
      'spec.overhead[memory]',
    ]);
    // Rounded up to a milli-unit first, as MilliValue() does: 999.999999999 bytes is 1000 bytes there.
    expect(found(pod({ containers: [{ ...APP, resources: { requests: { memory: '999999999999n' } } }] }), '1.33', rules)).toEqual([]);
    expect(run(pod({ containers: [{ ...APP, resources: { requests: { memory: '100m' } } }] }), '1.33', rules)[0].message)
      .toBe('memory "100m" is a fractional number of bytes, which the API server warns is invalid');
  });

  test('a fractional memory limit on a bare Pod is one finding, at the limit, saying the copied request draws the warning too', () => {
    const spec = { containers: [{ ...APP, resources: { limits: { memory: '100m' } } }] };
    const [onPod] = run(pod(spec), '1.35', rules);
    expect(onPod).toMatchObject({ path: 'spec.containers[0].resources.limits[memory]' });
    expect(onPod.message).toBe('memory "100m" is a fractional number of bytes, which the API server warns is invalid (on a Pod it warns at resources.requests[memory] too: the missing request is copied from this limit)');
    // A template is not defaulted; a Pod with its own request keeps it.
    expect(run(deployment(spec), '1.35', rules)[0].message).toBe('memory "100m" is a fractional number of bytes, which the API server warns is invalid');
    const ownRequest = { containers: [{ ...APP, resources: { limits: { memory: '100m' }, requests: { memory: '64Mi' } } }] };
    expect(run(pod(ownRequest), '1.35', rules).map(v => v.message)).toEqual(['memory "100m" is a fractional number of bytes, which the API server warns is invalid']);
  });

  test('the one SC1xx rule that may be suppressed, with a reason: the API server accepts these manifests', () => {
    const twice = (annotations: Record<string, string>) => ({
      ...pod({ containers: [{ ...APP, env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] }] }),
      metadata: { name: 'p', annotations },
    });
    const ids = (annotations: Record<string, string>) => ManifestValidator.validate([twice(annotations)]).map(v => v.ruleId);
    expect(ids({})).toEqual(['SC121']);
    expect(ids({ 'cdk8s-sidecars.io/suppress': 'SC121: the second A overrides the image default on purpose' })).toEqual([]);
    expect(ids({ 'cdk8s-sidecars.io/suppress': 'SC115: the names are fine, the reviewer says' })).toEqual(['SC001', 'SC121']);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
