import * as jsyaml from 'js-yaml';
import { expectNoCrash } from './_helpers';
import { fieldTypesRule } from '../../../src/rules/api';
import { validateManifests } from '../../../src/rules/engine';
import { cronJob, deployment, pod } from '../../manifests';

const rules = [fieldTypesRule];
const RESOURCES = { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } };
/** A container and a sidecar that the whole rule pack passes. */
const APP = { name: 'app', image: 'registry.example.com/app:1.0', resources: RESOURCES };
const SIDECAR = { name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', restartPolicy: 'Always', resources: RESOURCES };
const EXEC = { exec: { command: ['true'] } };

/** `ruleId path` of every violation the whole pack finds, sorted. */
function everything(manifest: any, version = '1.33'): string[] {
  return validateManifests([manifest], { kubernetesVersion: version }).map(v => `${v.ruleId} ${v.path}`).sort();
}

function sc122(manifest: any, version = '1.33') {
  return validateManifests([manifest], { kubernetesVersion: version }, { rules });
}

/**
 * Wrong types the API server's decoder rejects, each with the paths (from the pod spec) SC122
 * reports. The whole pack must report exactly these: the other rules stay quiet on them.
 */
const WRONG: [string, any, string[]][] = [
  ['containerPort as a string', { containers: [{ ...APP, ports: [{ containerPort: '8080' }] }] }, ['containers[0].ports[0].containerPort']],
  ['init container restartPolicy as a number', { initContainers: [{ ...SIDECAR, restartPolicy: 1 }], containers: [APP] }, ['initContainers[0].restartPolicy']],
  ['periodSeconds as a string', { containers: [{ ...APP, livenessProbe: { ...EXEC, periodSeconds: '10' } }] }, ['containers[0].livenessProbe.periodSeconds']],
  ['periodSeconds as a fraction', { initContainers: [{ ...SIDECAR, startupProbe: { ...EXEC, periodSeconds: 1.5 } }], containers: [APP] }, ['initContainers[0].startupProbe.periodSeconds']],
  ['timeoutSeconds beyond int32', { containers: [{ ...APP, readinessProbe: { ...EXEC, timeoutSeconds: 2147483648 } }] }, ['containers[0].readinessProbe.timeoutSeconds']],
  ['runAsUser as a fraction', { containers: [{ ...APP, securityContext: { runAsUser: 1000.5 } }] }, ['containers[0].securityContext.runAsUser']],
  ['terminationGracePeriodSeconds beyond int64', { terminationGracePeriodSeconds: 1e19, containers: [APP] }, ['terminationGracePeriodSeconds']],
  ['name as a number', { containers: [{ ...APP, name: 5 }] }, ['containers[0].name']],
  ['sidecar name as a number', { initContainers: [{ ...SIDECAR, name: 5 }], containers: [APP] }, ['initContainers[0].name']],
  ['command as a string', { containers: [{ ...APP, command: 'sh -c x' }] }, ['containers[0].command']],
  ['containers as a map', { containers: { app: APP } }, ['containers']],
  ['image as a map', { containers: [{ ...APP, image: { '.Values.image': null } }] }, ['containers[0].image']],
  ['an args item as a number', { containers: [{ ...APP, args: ['--port', 8080] }] }, ['containers[0].args[1]']],
  ['an env value as a number', { containers: [{ ...APP, env: [{ name: 'PORT', value: 8080 }] }] }, ['containers[0].env[0].value']],
  ['a probe port as a boolean', { containers: [{ ...APP, livenessProbe: { httpGet: { port: true } } }] }, ['containers[0].livenessProbe.httpGet.port']],
  ['a tcpSocket port as a fraction', { containers: [{ ...APP, livenessProbe: { tcpSocket: { port: 80.5 } } }] }, ['containers[0].livenessProbe.tcpSocket.port']],
  ['a grpc port as a string', { containers: [{ ...APP, livenessProbe: { grpc: { port: '9090' } } }] }, ['containers[0].livenessProbe.grpc.port']],
  ['sleep seconds as a string', { containers: [{ ...APP, lifecycle: { preStop: { sleep: { seconds: '5' } } } }] }, ['containers[0].lifecycle.preStop.sleep.seconds']],
  ['a preStop exec command as a string', { containers: [{ ...APP, lifecycle: { preStop: { exec: { command: 'sleep 5' } } } }] }, ['containers[0].lifecycle.preStop.exec.command']],
  ['a probe as a string', { initContainers: [{ ...SIDECAR, livenessProbe: 'tcp' }], containers: [APP] }, ['initContainers[0].livenessProbe']],
  ['hostNetwork as a string', { hostNetwork: 'true', containers: [APP] }, ['hostNetwork']],
  ['a supplemental group as a string', { securityContext: { supplementalGroups: [1000, '2000'] }, containers: [APP] }, ['securityContext.supplementalGroups[1]']],
  ['a container as a string', { containers: [APP, 'sidecar'] }, ['containers[1]']],
  ['initContainers as a string', { initContainers: 'proxy', containers: [APP] }, ['initContainers']],
  ['readOnly as a string', { volumes: [{ name: 'data', emptyDir: {} }], containers: [{ ...APP, volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: 'true' }] }] }, ['containers[0].volumeMounts[0].readOnly']],
  ['ports as a map', { containers: [{ ...APP, ports: { http: 8080 } }] }, ['containers[0].ports']],
  ['limits as a string', { containers: [{ ...APP, resources: { limits: 'memory=128Mi' } }] }, ['containers[0].resources.limits']],
  ['the pod restartPolicy as a number', { restartPolicy: 5, containers: [APP] }, ['restartPolicy']],
  ['a volume name as a number', { volumes: [{ name: 7, emptyDir: {} }], containers: [APP] }, ['volumes[0].name']],
  ['a capability as a number', { containers: [{ ...APP, securityContext: { capabilities: { drop: [1] } } }] }, ['containers[0].securityContext.capabilities.drop[0]']],
  ['two wrong fields in one container', { containers: [{ ...APP, name: ['app'], ports: [{ containerPort: 80.5, protocol: 6 }] }] },
    ['containers[0].name', 'containers[0].ports[0].containerPort', 'containers[0].ports[0].protocol']],
];

describe('SC122 field types (the API server\'s decode)', () => {
  test.each(WRONG)('%s: reported once, by SC122 alone, in a Pod and a Deployment', (_label, spec, paths) => {
    expect(everything(pod(spec))).toEqual(paths.map(p => `SC122 spec.${p}`).sort());
    expect(everything(deployment(spec))).toEqual(paths.map(p => `SC122 spec.template.spec.${p}`).sort());
  });

  test('findings about other facts of a wrong-typed field remain: they hold once the type is fixed', () => {
    // A Deployment template may not set activeDeadlineSeconds at all (SC114), whatever its type.
    expect(everything(deployment({ activeDeadlineSeconds: '60', containers: [APP] })))
      .toEqual(['SC114 spec.template.spec.activeDeadlineSeconds', 'SC122 spec.template.spec.activeDeadlineSeconds']);
    // A sidecar's preStop runs at the start of termination (SC209), whatever it sleeps.
    expect(everything(pod({ initContainers: [{ ...SIDECAR, lifecycle: { preStop: { sleep: { seconds: '5' } } } }], containers: [APP] })))
      .toEqual(['SC122 spec.initContainers[0].lifecycle.preStop.sleep.seconds', 'SC209 spec.initContainers[0].lifecycle.preStop']);
  });

  test('a port number beyond int32 is reported once, by the port rules (outside 1..65535 either way)', () => {
    expect(everything(pod({ containers: [{ ...APP, ports: [{ containerPort: 4294967296 }], livenessProbe: { tcpSocket: { port: 4294967296 } } }] })))
      .toEqual(['SC107 spec.containers[0].ports[0].containerPort', 'SC108 spec.containers[0].livenessProbe.tcpSocket.port']);
  });

  test('the spec as written is decoded: before 1.29 an init container\'s restartPolicy is dropped only after decoding', () => {
    expect(sc122(pod({ initContainers: [{ ...SIDECAR, restartPolicy: ['Always'] }], containers: [APP] }), '1.28').map(v => v.path))
      .toEqual(['spec.initContainers[0].restartPolicy']);
  });

  test('the messages name the container, the field, the type found and expected, and the decoder\'s own error', () => {
    const messages = (spec: any) => sc122(pod(spec)).map(v => [v.message, v.fix]);
    expect(messages(WRONG[0][1])).toEqual([[
      'container "app": ports[0].containerPort is the string "8080", but the API server expects an int32 (a number without quotes) and rejects the object before validating it (json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32)',
      'write containerPort: 8080 without quotes',
    ]]);
    expect(messages(WRONG[1][1])).toEqual([[
      'init container "proxy": restartPolicy is the number 1, but the API server expects a string and rejects the object before validating it (json: cannot unmarshal number into Go struct field Container.spec.initContainers.restartPolicy of type v1.ContainerRestartPolicy)',
      'use restartPolicy: Always for a sidecar, or remove it',
    ]]);
    expect(messages(WRONG[2][1])).toEqual([[
      'container "app": livenessProbe.periodSeconds is the string "10", but the API server expects an int32 (a number without quotes) and rejects the object before validating it (json: cannot unmarshal string into Go struct field Probe.spec.containers.livenessProbe.periodSeconds of type int32)',
      'write periodSeconds: 10 without quotes',
    ]]);
    expect(messages(WRONG[3][1])).toEqual([[
      'sidecar "proxy": startupProbe.periodSeconds is the number 1.5, but the API server expects an int32, a whole number and rejects the object before validating it (json: cannot unmarshal number 1.5 into Go struct field Probe.spec.initContainers.startupProbe.periodSeconds of type int32)',
      'use a whole number for periodSeconds',
    ]]);
    expect(messages(WRONG[4][1])).toEqual([[
      'container "app": readinessProbe.timeoutSeconds is the number 2147483648, but the API server expects an int32, between -2147483648 and 2147483647 and rejects the object before validating it (json: cannot unmarshal number 2147483648 into Go struct field Probe.spec.containers.readinessProbe.timeoutSeconds of type int32)',
      'use a value between -2147483648 and 2147483647',
    ]]);
    expect(messages(WRONG[5][1])[0][0]).toBe(
      'container "app": securityContext.runAsUser is the number 1000.5, but the API server expects an int64, a whole number and rejects the object before validating it (json: cannot unmarshal number 1000.5 into Go struct field SecurityContext.spec.containers.securityContext.runAsUser of type int64)');
    expect(messages(WRONG[6][1])).toEqual([[
      'pod spec: terminationGracePeriodSeconds is the number 10000000000000000000, but the API server expects an int64, between -9223372036854775808 and 9223372036854775807 and rejects the object before validating it (json: cannot unmarshal number 10000000000000000000 into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64)',
      'use a value between -9223372036854775808 and 9223372036854775807',
    ]]);
    expect(messages(WRONG[7][1])).toEqual([[
      'container at containers[0]: name is the number 5, but the API server expects a string and rejects the object before validating it (json: cannot unmarshal number into Go struct field Container.spec.containers.name of type string)',
      'quote the value: name: "5"',
    ]]);
    expect(messages(WRONG[9][1])).toEqual([[
      'container "app": command is the string "sh -c x", but the API server expects a list of strings and rejects the object before validating it (json: cannot unmarshal string into Go struct field Container.spec.containers.command of type []string)',
      'write command as a list of strings, one item per argument, e.g. ["sh", "-c", "..."]',
    ]]);
    expect(messages(WRONG[10][1])).toEqual([[
      'pod spec: containers is a map, but the API server expects a list and rejects the object before validating it (json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container)',
      'write containers as a list',
    ]]);
    expect(messages(WRONG[13][1])).toEqual([[
      'container "app": env[0].value is the number 8080, but the API server expects a string and rejects the object before validating it (json: cannot unmarshal number into Go struct field EnvVar.spec.containers.env.value of type string)',
      'quote the value: value: "8080"',
    ]]);
  });

  test('a list item of the wrong type is named as an item', () => {
    const [violation] = sc122(pod({ containers: [{ ...APP, args: ['--port', 8080] }] }));
    expect(violation.message).toBe('container "app": args[1] is the number 8080, but the API server expects a string and rejects the object before validating it (json: cannot unmarshal number into Go struct field Container.spec.containers.args of type string)');
    expect(violation.fix).toBe('quote the args item: "8080"');
  });

  test('a half-rendered Helm template (`image: {{ .Values.image }}`) is a YAML map: reported at image', () => {
    const manifest = jsyaml.load([
      'apiVersion: v1',
      'kind: Pod',
      'metadata: { name: p }',
      'spec:',
      '  containers:',
      '  - name: app',
      '    image: {{ .Values.image }}',
      '    resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { memory: 128Mi } }',
    ].join('\n'));
    expect(everything(manifest)).toEqual(['SC122 spec.containers[0].image']);
    expect(sc122(manifest)[0].message).toBe(
      'container "app": image is a map, but the API server expects a string and rejects the object before validating it (json: cannot unmarshal object into Go struct field Container.spec.containers.image of type string)');
    expect(sc122(manifest)[0].fix).toBe('give image a string; an unrendered template such as {{ .Values.image }} reads as a YAML map, so render it or quote it');
  });

  test('the decoder\'s field path follows the object: Deployment and CronJob templates, ephemeral containers', () => {
    const spec = { containers: [{ ...APP, ports: [{ containerPort: '80' }] }] };
    expect(sc122(deployment(spec))[0].message).toContain('Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32');
    expect(sc122(cronJob(spec))[0].message).toContain('Go struct field ContainerPort.spec.jobTemplate.spec.template.spec.containers.ports.containerPort of type int32');
    expect(sc122(cronJob(spec))[0].path).toBe('spec.jobTemplate.spec.template.spec.containers[0].ports[0].containerPort');
    const debug = sc122(pod({ containers: [APP], ephemeralContainers: [{ name: 'debug', image: 'busybox', targetContainerName: 1 }] }));
    expect(debug.map(v => v.path)).toEqual(['spec.ephemeralContainers[0].targetContainerName']);
    expect(debug[0].message).toContain('Go struct field EphemeralContainer.spec.ephemeralContainers.targetContainerName of type string');
  });

  test('what decodes is accepted: integral numbers (YAML 10.0, 1e3), int32 and int64 bounds, null, port names, YAML 1.1 booleans', () => {
    // `10.0` and `1e3` in YAML are the numbers 10 and 1000 here, and kubectl sends them as integers.
    const fromYaml = jsyaml.load('{ periodSeconds: 10.0, timeoutSeconds: 1e3, failureThreshold: 3 }') as any;
    expect(fromYaml).toEqual({ periodSeconds: 10, timeoutSeconds: 1000, failureThreshold: 3 });
    const spec = {
      terminationGracePeriodSeconds: 2 ** 63, // also what 9223372036854775807, the largest int64, reads as
      activeDeadlineSeconds: null,
      hostNetwork: false,
      hostPID: 'yes', // a YAML 1.1 boolean to kubectl
      securityContext: { runAsUser: 0, supplementalGroups: [-(2 ** 63)] },
      containers: [{
        ...APP,
        command: null,
        ports: [{ containerPort: 8080, hostPort: null, name: 'http' }],
        livenessProbe: { httpGet: { port: 'http' }, ...fromYaml, successThreshold: -2147483648 },
        readinessProbe: { tcpSocket: { port: 8080 } },
        env: [{ name: 'A', value: '1' }, { name: 'B', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        securityContext: { runAsUser: 2147483648, privileged: null, readOnlyRootFilesystem: 'on' },
      }, null],
      unknownField: 5,
    };
    expect(sc122(pod(spec))).toEqual([]);
    expect(sc122(pod({ containers: [{ ...APP, livenessProbe: { ...EXEC, periodSeconds: 2147483647 } }] }))).toEqual([]);
    expect(sc122(pod({ terminationGracePeriodSeconds: 2 ** 64, containers: [APP] })).map(v => v.path)).toEqual(['spec.terminationGracePeriodSeconds']);
    expect(sc122(pod({ terminationGracePeriodSeconds: -(2 ** 64), containers: [APP] })).map(v => v.path)).toEqual(['spec.terminationGracePeriodSeconds']);
    // NaN and Infinity (YAML .nan, .inf) are no integers: kubectl cannot even write them as JSON.
    const notFinite = { activeDeadlineSeconds: Number.NaN, containers: [{ ...APP, livenessProbe: { ...EXEC, periodSeconds: Infinity } }] };
    expect(sc122(pod(notFinite)).map(v => v.path))
      .toEqual(['spec.activeDeadlineSeconds', 'spec.containers[0].livenessProbe.periodSeconds']);
  });

  test('pod-level resources are in the v1 types from 1.32 only', () => {
    const spec = { resources: 'cpu=1', containers: [APP] };
    expect(sc122(pod(spec), '1.31')).toEqual([]);
    expect(sc122(pod(spec), '1.32').map(v => v.path)).toEqual(['spec.resources']);
    expect(sc122(pod({ resources: { limits: [1] }, containers: [APP] }), '1.34').map(v => v.path)).toEqual(['spec.resources.limits']);
  });

  test('a clean pod allocates no findings; malformed input does not throw', () => {
    expect(sc122(pod({ initContainers: [SIDECAR], containers: [APP] }))).toEqual([]);
    expectNoCrash(rules);
  });
});
