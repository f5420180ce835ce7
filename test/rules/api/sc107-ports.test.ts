import * as fc from 'fast-check';
import { expectNoCrash, found, run } from './_helpers';
import { portsRule } from '../../../src/rules/api';
import { isPortName, portNameErrors } from '../../../src/rules/api/_util';
import { APP, deployment, pod, SIDECAR } from '../../manifests';

const rules = [portsRule];

describe('SC107 ports', () => {
  test('valid ports, protocol defaulted, same port on a sidecar and the app (no host port) are fine', () => {
    const spec = {
      containers: [{ ...APP, ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }] }],
      initContainers: [{ ...SIDECAR, ports: [{ name: 'http', containerPort: 8080 }] }],
    };
    expect(found(pod(spec), '1.33', rules)).toEqual([]);
  });

  test('port names, containerPort, hostPort range and protocol', () => {
    const ports = [
      { name: 'HTTP', containerPort: 80 },
      { name: 'metrics-endpoint1', containerPort: 81 },
      { name: '8080', containerPort: 82 },
      { name: 'web', containerPort: 83 },
      { name: 'web', containerPort: 84 },
      { containerPort: 0 },
      { containerPort: 70000 },
      { containerPort: 85, hostPort: 70000 },
      { containerPort: 86, protocol: 'tcp' },
      { containerPort: 87, hostPort: 0 },
    ];
    const violations = run(pod({ containers: [{ ...APP, ports }] }), '1.33', rules);
    expect(violations.map(v => v.path)).toEqual([
      'spec.containers[0].ports[0].name',
      'spec.containers[0].ports[1].name',
      'spec.containers[0].ports[2].name',
      'spec.containers[0].ports[4].name',
      'spec.containers[0].ports[5].containerPort',
      'spec.containers[0].ports[6].containerPort',
      'spec.containers[0].ports[7].hostPort',
      'spec.containers[0].ports[8].protocol',
    ]);
    expect(violations.every(v => v.ruleId === 'SC107' && v.severity === 'error')).toBe(true);
    expect(violations[2].message).toBe('container "app" has port name "8080", which is not an IANA service name: must contain at least one letter (a-z)');
    expect(violations[3].message).toBe('container "app" declares port name "web" twice; port names must be unique within a container');
  });

  test('host port clash across regular containers, reported on the later port', () => {
    const second: any = { containerPort: 81, hostPort: 8080, protocol: 'TCP' };
    const spec = { containers: [{ ...APP, ports: [{ containerPort: 80, hostPort: 8080 }] }, { name: 'b', image: 'b', ports: [second] }] };
    const [v] = run(pod(spec), '1.33', rules);
    expect(v.path).toBe('spec.containers[1].ports[0].hostPort');
    expect(v.message).toBe('container "b" uses host port TCP//8080 a second time across the regular containers; protocol/hostIP/hostPort must be unique');
    // Different protocol or hostIP is no clash.
    second.protocol = 'UDP';
    expect(found(pod(spec), '1.33', rules)).toEqual([]);
  });

  test('host ports are not compared across init containers, sidecars and regular containers (I9)', () => {
    const hp = { containerPort: 80, hostPort: 8080 };
    expect(found(pod({ containers: [{ ...APP, ports: [hp] }], initContainers: [{ ...SIDECAR, ports: [hp] }, { name: 'i', image: 'i', ports: [hp] }] }), '1.33', rules)).toEqual([]);
  });

  test('a clash inside one init container is reported at initContainers[0], whatever its index (I8)', () => {
    const hp = { containerPort: 80, hostPort: 8080 };
    const spec = { containers: [APP], initContainers: [SIDECAR, { name: 'i', image: 'i', ports: [{ containerPort: 1 }, hp, { ...hp, containerPort: 81 }] }] };
    expect(found(pod(spec), '1.33', rules)).toEqual(['SC107 spec.initContainers[0].ports[2].hostPort']);
    expect(found(deployment(spec), '1.33', rules)).toEqual(['SC107 spec.template.spec.initContainers[0].ports[2].hostPort']);
  });

  test('hostNetwork: hostPort must match containerPort on regular containers (K11)', () => {
    const spec = {
      hostNetwork: true,
      containers: [{ ...APP, ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }] }],
      initContainers: [{ ...SIDECAR, ports: [{ containerPort: 90, hostPort: 9999 }] }],
    };
    const violations = run(pod(spec), '1.33', rules);
    expect(violations.map(v => v.path)).toEqual(['spec.containers[0].ports[0].hostPort']);
    expect(violations[0].message).toBe('container "app" has hostPort 8080 but containerPort 80; they must match when hostNetwork is true');
    // Templates may leave hostPort 0; a set mismatching one still fails.
    expect(found(deployment(spec), '1.33', rules)).toEqual(['SC107 spec.template.spec.containers[0].ports[0].hostPort']);
  });

  test('hostNetwork on a Pod defaults hostPort, so equal containerPorts clash; in a template they do not', () => {
    const spec = { hostNetwork: true, containers: [{ ...APP, ports: [{ containerPort: 80 }] }, { name: 'b', image: 'b', ports: [{ containerPort: 80 }] }] };
    expect(found(pod(spec), '1.33', rules)).toEqual(['SC107 spec.containers[1].ports[0].hostPort']);
    expect(found(deployment(spec), '1.33', rules)).toEqual([]);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});

test('the one-regex port-name check agrees with the full list of port-name errors', () => {
  // SC107 asks isPortName first and builds the error list only for a bad name.
  const characters = fc.constantFrom('a', 'z', 'm', '0', '9', '-', 'A', '_', '.', ' ');
  const names = fc.oneof(
    fc.stringOf(characters, { maxLength: 18 }),
    fc.constantFrom('http', 'metrics', 'h2c', '8080', 'a--b', '-http', 'http-', 'a'.repeat(15), 'a'.repeat(16), ''),
  );
  fc.assert(fc.property(names, name => isPortName(name) === (portNameErrors(name).length === 0)), { numRuns: 3000 });
});
