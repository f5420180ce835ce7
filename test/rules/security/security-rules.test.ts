import { validateManifests } from '../../../src/rules/engine';
import {
  addedCapabilitiesRule, privilegedSidecarRule, rootSidecarRule, SECURITY_RULES, sidecarPrivilegeEscalationRule,
} from '../../../src/rules/security';
import { APP, cronJob, deployment, malformedManifests, pod } from '../../manifests';
import { found, run } from '../_builders';

function sidecar(securityContext?: any, name = 'agent'): any {
  return { name, image: 'registry.example.com/agent:1', restartPolicy: 'Always', ...(securityContext !== undefined ? { securityContext } : {}) };
}

function plainInit(securityContext?: any, name = 'seed', extra: any = {}): any {
  return { name, image: 'registry.example.com/seed:1', ...extra, ...(securityContext !== undefined ? { securityContext } : {}) };
}

const MALFORMED_SPECS: any[] = [
  null, 'spec', 42, [],
  { initContainers: 'x', securityContext: 'x' },
  { initContainers: [null, 'x', sidecar('x'), sidecar([]), sidecar({ privileged: 'true', runAsUser: '0', runAsNonRoot: 'false', capabilities: 'x' })] },
  { initContainers: [sidecar({ capabilities: { add: 'NET_ADMIN' } }), plainInit({ capabilities: { add: [null, 5, {}, '', 'SYS_ADMIN'] } }, 'i', { image: 7, command: 'x', args: [null] })] },
  { initContainers: [sidecar({ runAsUser: null, runAsNonRoot: null })], securityContext: { runAsUser: [], runAsNonRoot: 'x' }, os: 'linux' },
  { initContainers: [plainInit({ capabilities: { add: ['NET_RAW'] } }, 'istio-init', { image: 'proxyv2' })], containers: [APP], securityContext: [] },
];

test('SECURITY_RULES lists SC501 to SC504 in id order', () => {
  expect(SECURITY_RULES.map(r => r.id)).toEqual(['SC501', 'SC502', 'SC503', 'SC504']);
});

test.each(SECURITY_RULES.map(r => [r.id, r] as const))('%s never throws on malformed input', (_id, rule) => {
  const violations = validateManifests(malformedManifests(MALFORMED_SPECS), {}, { rules: [rule] });
  expect(violations.filter(v => v.message.includes('could not check'))).toEqual([]);
});

describe('SC501 privileged sidecar', () => {
  test('reported at securityContext.privileged on a Pod', () => {
    const violations = run(privilegedSidecarRule, pod({ initContainers: [sidecar({ privileged: true })], containers: [APP] }));
    expect(violations).toEqual([{
      ruleId: 'SC501',
      severity: 'warning',
      kind: 'Pod',
      name: 'p',
      namespace: 'ns',
      path: 'spec.initContainers[0].securityContext.privileged',
      message: 'sidecar "agent" sets securityContext.privileged to true: it runs with every capability and access to the host\'s devices for the pod\'s whole life',
      fix: 'remove privileged from "agent" and add only the capabilities it needs in securityContext.capabilities.add, or do the privileged setup in a run-once init container',
    }]);
  });

  test('on a Deployment, only the sidecar; plain init and regular containers are out of scope', () => {
    const spec = {
      initContainers: [plainInit({ privileged: true }), sidecar({ privileged: true }), sidecar({ privileged: false }, 'calm')],
      containers: [{ ...APP, securityContext: { privileged: true } }],
    };
    expect(found(privilegedSidecarRule, deployment(spec))).toEqual(['SC501 warning spec.template.spec.initContainers[1].securityContext.privileged']);
  });
});

describe('SC502 sidecar runs as root', () => {
  test('runAsUser 0 on the sidecar (Pod)', () => {
    const violations = run(rootSidecarRule, pod({ initContainers: [sidecar({ runAsUser: 0 })], containers: [APP] }));
    expect(violations.map(v => `${v.ruleId} ${v.severity} ${v.path}`)).toEqual(['SC502 warning spec.initContainers[0].securityContext.runAsUser']);
    expect(violations[0].message).toBe('sidecar "agent" runs as root: securityContext.runAsUser is 0');
    expect(violations[0].fix).toBe('set securityContext.runAsUser on "agent" to a non-zero UID and runAsNonRoot to true');
  });

  test('the pod\'s runAsUser 0, not overridden, is reported at the pod\'s field for each sidecar (Deployment)', () => {
    const spec = { securityContext: { runAsUser: 0 }, initContainers: [sidecar(), sidecar({ runAsUser: 1337 }, 'proxy'), sidecar({}, 'logs')], containers: [APP] };
    const violations = run(rootSidecarRule, deployment(spec));
    expect(violations.map(v => v.path)).toEqual(['spec.template.spec.securityContext.runAsUser', 'spec.template.spec.securityContext.runAsUser']);
    expect(violations.map(v => v.message)).toEqual([
      'sidecar "agent" runs as root: it inherits the pod\'s securityContext.runAsUser 0 and sets no runAsUser of its own',
      'sidecar "logs" runs as root: it inherits the pod\'s securityContext.runAsUser 0 and sets no runAsUser of its own',
    ]);
  });

  test('runAsNonRoot: false without a runAsUser, on the sidecar or inherited (CronJob)', () => {
    const own = run(rootSidecarRule, cronJob({ initContainers: [sidecar({ runAsNonRoot: false })], containers: [APP] }));
    expect(own.map(v => v.path)).toEqual(['spec.jobTemplate.spec.template.spec.initContainers[0].securityContext.runAsNonRoot']);
    expect(own[0].message).toBe('sidecar "agent" may run as root: securityContext.runAsNonRoot is false and no runAsUser is set, so the image\'s user applies');
    const inherited = run(rootSidecarRule, pod({ securityContext: { runAsNonRoot: false }, initContainers: [sidecar()], containers: [APP] }));
    expect(inherited.map(v => v.path)).toEqual(['spec.securityContext.runAsNonRoot']);
  });

  test('compliant: a non-root UID (own or inherited) makes runAsNonRoot: false harmless; the container overrides the pod', () => {
    expect(found(rootSidecarRule, pod({ initContainers: [sidecar({ runAsUser: 1337, runAsNonRoot: false })], containers: [APP] }))).toEqual([]);
    const withPod = (podContext: any, own: any) => pod({ securityContext: podContext, initContainers: [sidecar(own)], containers: [APP] });
    expect(found(rootSidecarRule, withPod({ runAsUser: 1000 }, { runAsNonRoot: false }))).toEqual([]);
    expect(found(rootSidecarRule, withPod({ runAsUser: 0 }, { runAsUser: 65532 }))).toEqual([]);
    expect(found(rootSidecarRule, withPod({ runAsNonRoot: false }, { runAsNonRoot: true }))).toEqual([]);
    expect(found(rootSidecarRule, pod({ initContainers: [sidecar()], containers: [APP] }))).toEqual([]);
  });

  test('plain init containers (istio-init runs as root by design) and Windows pods are out of scope', () => {
    expect(found(rootSidecarRule, pod({ initContainers: [plainInit({ runAsUser: 0, runAsNonRoot: false })], containers: [APP] }))).toEqual([]);
    expect(found(rootSidecarRule, pod({ os: { name: 'windows' }, initContainers: [sidecar({ runAsUser: 0 })], containers: [APP] }))).toEqual([]);
  });
});

describe('SC503 sidecar allows privilege escalation', () => {
  test('allowPrivilegeEscalation: true on a sidecar (Pod)', () => {
    const violations = run(sidecarPrivilegeEscalationRule, pod({ initContainers: [sidecar({ allowPrivilegeEscalation: true })], containers: [APP] }));
    expect(violations.map(v => `${v.ruleId} ${v.severity} ${v.path}`)).toEqual(['SC503 warning spec.initContainers[0].securityContext.allowPrivilegeEscalation']);
    expect(violations[0].message).toBe('sidecar "agent" sets securityContext.allowPrivilegeEscalation to true: its processes can gain more privileges than their parent (setuid binaries, file capabilities) for the pod\'s whole life');
    expect(violations[0].fix).toBe('set securityContext.allowPrivilegeEscalation to false on "agent"');
  });

  test('a privileged sidecar is SC501\'s alone (Deployment)', () => {
    const spec = { initContainers: [sidecar({ privileged: true, allowPrivilegeEscalation: true }), sidecar({ allowPrivilegeEscalation: true }, 'b')], containers: [APP] };
    expect(found(sidecarPrivilegeEscalationRule, deployment(spec))).toEqual(['SC503 warning spec.template.spec.initContainers[1].securityContext.allowPrivilegeEscalation']);
    expect(validateManifests([deployment(spec)], {}, { rules: SECURITY_RULES }).map(v => `${v.ruleId} ${v.path}`)).toEqual([
      'SC501 spec.template.spec.initContainers[0].securityContext.privileged',
      'SC503 spec.template.spec.initContainers[1].securityContext.allowPrivilegeEscalation',
    ]);
  });

  test('compliant: false, unset, or on a plain init container', () => {
    const spec = { initContainers: [plainInit({ allowPrivilegeEscalation: true }), sidecar({ allowPrivilegeEscalation: false }), sidecar(undefined, 'b')], containers: [APP] };
    expect(found(sidecarPrivilegeEscalationRule, pod(spec))).toEqual([]);
  });
});

describe('SC504 added capabilities', () => {
  const istioInit = {
    name: 'istio-init',
    image: 'docker.io/istio/proxyv2:1.27.0',
    args: ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT'],
    securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] }, runAsUser: 0, runAsNonRoot: false },
  };

  test('a capability beyond NET_ADMIN/NET_RAW on a sidecar, at its index in add (Pod)', () => {
    const violations = run(addedCapabilitiesRule, pod({ initContainers: [sidecar({ capabilities: { add: ['SYS_PTRACE', 'cap_sys_admin'] } })], containers: [APP] }));
    expect(violations.map(v => `${v.ruleId} ${v.severity} ${v.path}`)).toEqual([
      'SC504 warning spec.initContainers[0].securityContext.capabilities.add[0]',
      'SC504 warning spec.initContainers[0].securityContext.capabilities.add[1]',
    ]);
    expect(violations[1].message).toBe('sidecar "agent" adds capability "cap_sys_admin" (SYS_ADMIN), beyond NET_ADMIN and NET_RAW (the most a mesh init container needs) and NET_BIND_SERVICE (which any container may add)');
    expect(violations[1].fix).toBe('remove "cap_sys_admin" from securityContext.capabilities.add on "agent"');
  });

  test('NET_ADMIN on a sidecar or on a plain init that is no mesh init (Deployment)', () => {
    const spec = { initContainers: [plainInit({ capabilities: { add: ['CAP_NET_RAW'] } }), sidecar({ capabilities: { add: ['net_admin'] } })], containers: [APP] };
    const violations = run(addedCapabilitiesRule, deployment(spec));
    expect(violations.map(v => v.path)).toEqual([
      'spec.template.spec.initContainers[0].securityContext.capabilities.add[0]',
      'spec.template.spec.initContainers[1].securityContext.capabilities.add[0]',
    ]);
    expect(violations[0].message).toBe('init container "seed" adds capability "CAP_NET_RAW" (NET_RAW), which only a mesh init container that writes the pod\'s iptables needs, and "seed" runs no iptables program');
    expect(violations[1].message).toBe('sidecar "agent" adds capability "net_admin" (NET_ADMIN), which only a mesh init container that writes the pod\'s iptables needs, and "agent" runs for the pod\'s whole life');
    expect(violations[1].fix).toBe('remove "net_admin" from securityContext.capabilities.add on "agent"; for traffic capture use the mesh\'s own init container or its CNI plugin');
  });

  test('known mesh init containers may add NET_ADMIN and NET_RAW, in any spelling', () => {
    const linkerdInit = plainInit({ capabilities: { add: ['CAP_NET_ADMIN', 'net_raw'] } }, 'linkerd-init', { image: 'cr.l5d.io/linkerd/proxy-init:v2.4.1' });
    const ghcrInit = plainInit({ capabilities: { add: ['NET_ADMIN'] } }, 'proxy-init', { image: 'ghcr.io/linkerd/proxy-init@sha256:abc' });
    const linkerdProxyImage = plainInit({ capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } }, 'mesh-init', {
      image: 'cr.l5d.io/linkerd/proxy:edge-25.10.2', command: ['/usr/lib/linkerd/linkerd2-proxy-init'],
    });
    const istioByName = { ...istioInit, args: undefined };
    const spec = { initContainers: [istioInit, linkerdInit, ghcrInit, linkerdProxyImage, istioByName], containers: [APP] };
    expect(found(addedCapabilitiesRule, cronJob(spec))).toEqual([]);
  });

  test('any run-once init container that runs an iptables program is a mesh init, whatever its image or name', () => {
    const otherMesh = plainInit({ capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } }, 'mesh-capture', {
      image: 'registry.example.com/mesh/capture:3', command: ['/usr/bin/capture'], args: ['--redirect-all', '--iptables-mode', 'nft'],
    });
    const iptablesRestore = plainInit({ capabilities: { add: ['NET_ADMIN'] } }, 'rules', { image: 'alpine:3', command: ['sh', '-c', 'iptables-restore < /rules/v4'] });
    expect(found(addedCapabilitiesRule, pod({ initContainers: [otherMesh, iptablesRestore], containers: [APP] }))).toEqual([]);
  });

  test('NET_BIND_SERVICE, which the restricted Pod Security Standard allows, is never reported', () => {
    const spec = { initContainers: [sidecar({ capabilities: { add: ['NET_BIND_SERVICE', 'cap_net_bind_service'] } }), plainInit({ capabilities: { add: ['NET_BIND_SERVICE'] } })], containers: [APP] };
    expect(found(addedCapabilitiesRule, deployment(spec))).toEqual([]);
  });

  test('but not beyond NET_ADMIN/NET_RAW, and not when nothing writes iptables or the container runs all the time', () => {
    const greedy = { ...istioInit, securityContext: { capabilities: { add: ['NET_ADMIN', 'SYS_ADMIN'] } } };
    const istioProxyAsSidecar = { ...istioInit, name: 'istio-proxy', args: ['proxy', 'sidecar'], restartPolicy: 'Always' };
    const iptablesSidecar = { ...istioInit, name: 'capture', image: 'registry.example.com/iptables:1', restartPolicy: 'Always' };
    const proxyv2Gateway = { ...istioInit, name: 'gateway-setup', args: ['router'] };
    const initContainers = [greedy, istioProxyAsSidecar, iptablesSidecar, proxyv2Gateway];
    const violations = run(addedCapabilitiesRule, pod({ initContainers, containers: [APP] }));
    expect(violations.map(v => v.path)).toEqual([
      'spec.initContainers[0].securityContext.capabilities.add[1]',
      'spec.initContainers[1].securityContext.capabilities.add[0]',
      'spec.initContainers[1].securityContext.capabilities.add[1]',
      'spec.initContainers[2].securityContext.capabilities.add[0]',
      'spec.initContainers[2].securityContext.capabilities.add[1]',
      'spec.initContainers[3].securityContext.capabilities.add[0]',
      'spec.initContainers[3].securityContext.capabilities.add[1]',
    ]);
  });

  test('regular containers and dropped capabilities are out of scope', () => {
    const spec = { initContainers: [sidecar({ capabilities: { drop: ['ALL'] } })], containers: [{ ...APP, securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }] };
    expect(found(addedCapabilitiesRule, pod(spec))).toEqual([]);
  });
});
