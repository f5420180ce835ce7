import { isAtLeast } from '../../version';
import { ALL_LISTS, containerEntries, ContainerEntry, ContainerListField } from '../containers';
import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { MAX_INT32 } from './_util';

/**
 * SC122 — the JSON types of the pod-spec fields the rule pack reads, as the API server decodes
 * them into the `k8s.io/api/core/v1` Go types before any validation runs. A value of the wrong
 * type fails the decode (HTTP 400, "json: cannot unmarshal string into Go struct field
 * ContainerPort.spec.containers.ports.containerPort of type int32"): `containerPort: "8080"`,
 * `command: "sh -c x"`, `name: 5`, an unrendered Helm `image: {{ .Values.image }}` (a YAML map).
 * The other rules pass over values of the wrong type, so each such field is reported once, here
 * (a whole port number beyond int32 is left to the port rules, which reject it as outside 1..65535).
 *
 * Numbers: an int32/int64 field takes any number with an integral value in range. YAML `10.0` and
 * JSON `1e3` arrive here as the numbers 10 and 1000, and they reach the API server as integers too
 * (kubectl converts YAML through float64 and writes 10; apimachinery's JSON reading turns 10.0 into
 * 10), so they are accepted; `1.5`, `2147483648` in an int32 and `1e19` in an int64 are not. int64
 * bounds are checked beyond the nearest double (2^63), so no value Go accepts is ever reported.
 * `null` decodes to the zero value and is always accepted.
 */
export const fieldTypesRule: Rule = {
  id: 'SC122',
  severity: Severity.ERROR,
  title: 'a pod-spec field has the wrong JSON type (a string for a number, a fraction or overflow in an integer, a map for a string, a string for a list)',
  why: 'the API server decodes the object into its Go types before validating it and rejects a value of the wrong type with HTTP 400 (json: cannot unmarshal ...); nothing else about the object is checked until it decodes',
  fix: 'give the field the type Kubernetes defines: numbers without quotes, whole numbers in range for integer fields, strings for names and images (quote templates), lists for command, args and the container lists',
  source: 'k8s.io/api core/v1 types (types.go); sigs.k8s.io/json decoding (UnmarshalTypeError); intstr.IntOrString.UnmarshalJSON',
  check(context: RuleContext): Finding[] {
    // The spec as written: the API server decodes before it drops fields of disabled features.
    const spec = context.sourceSpec;
    let findings: Finding[] | undefined;
    const report = (found: Finding) => (findings ??= []).push(found);
    const walk = new Walk(context.specPath, report);
    const podFields = isAtLeast(context.version, POD_RESOURCES_MINOR) ? POD_SPEC_132 : POD_SPEC;
    walk.structFields(spec, podFields, POD);
    for (let l = 0; l < ALL_LISTS.length; l++) checkContainerList(spec, ALL_LISTS[l], walk);
    const entries = containerEntries(spec);
    for (let e = 0; e < entries.length; e++) {
      const entry = entries[e];
      const fields = entry.list === 'ephemeralContainers' ? EPHEMERAL_CONTAINER : CONTAINER;
      walk.structFields(entry.container, fields, entry);
    }
    return findings ?? NO_FINDINGS;
  },
};

/** Pod-level `resources` is in the v1 types from 1.32 (PodLevelResources); before that it is an unknown field. */
const POD_RESOURCES_MINOR = 32;

// --- The v1 types, for the fields the rules read ---------------------------------------------

type Kind = 'string' | 'int32' | 'int64' | 'bool' | 'intOrString' | 'map' | 'struct' | 'list';

/**
 * One field's Go type: a scalar, a map, a struct or a list. One class, so that every type the walk
 * reads has the same shape.
 */
class FieldType {
  /** Whether the walk goes into values of this type: lists, and structs with fields to check. */
  public readonly nested: boolean;

  public constructor(
    public readonly kind: Kind,
    /** The type as Go prints it: `int32`, `v1.Protocol`, `[]v1.Container`. */
    public readonly go: string,
    /** The fix for a value of the wrong type, when the general one would mislead. */
    public readonly fix: string | undefined = undefined,
    /**
     * A port number: whole numbers beyond the int32 range are left to the port rules (SC107 to
     * SC109), which reject everything outside 1..65535 with the fix; reported there, not twice.
     */
    public readonly port: boolean = false,
    public readonly fields: StructFields | undefined = undefined,
    public readonly item: FieldType | undefined = undefined,
  ) {
    this.nested = kind === 'list' || (fields !== undefined && fields.size > 0);
  }
}

/** A struct's fields by JSON name, with the Go struct name errors inside it carry. */
interface StructFields {
  readonly name: string;
  /** A table without a prototype, so that keys such as `constructor` find nothing. */
  readonly fields: Readonly<Record<string, FieldType | undefined>>;
  readonly size: number;
}

const STRING = new FieldType('string', 'string');
const INT32 = new FieldType('int32', 'int32');
const INT64 = new FieldType('int64', 'int64');
const BOOL = new FieldType('bool', 'bool');
const PORT = new FieldType('int32', 'int32', undefined, true);
/** A port as `intstr.IntOrString`: a JSON string (a port name), or a number decoded as int32. */
const PORT_OR_NAME = new FieldType('intOrString', 'int32', undefined, true);

/** A named string type such as `v1.Protocol`. */
function named(go: string, fix?: string): FieldType {
  return new FieldType('string', go, fix);
}

function struct(name: string, fields: Record<string, FieldType>): StructFields {
  return { name, fields: Object.assign(Object.create(null), fields), size: Object.keys(fields).length };
}

function structType(fields: StructFields, go = `v1.${fields.name}`): FieldType {
  return new FieldType('struct', go, undefined, false, fields);
}

function list(item: FieldType): FieldType {
  return new FieldType('list', `[]${item.go}`, undefined, false, undefined, item);
}

const STRINGS = list(STRING);
const RESOURCE_LIST = new FieldType('map', 'v1.ResourceList');

const EXEC = struct('ExecAction', { command: STRINGS });
const HTTP_GET = struct('HTTPGetAction', {
  path: STRING,
  port: PORT_OR_NAME,
  host: STRING,
  scheme: named('v1.URIScheme'),
  httpHeaders: list(structType(struct('HTTPHeader', { name: STRING, value: STRING }))),
});
const TCP_SOCKET = struct('TCPSocketAction', { port: PORT_OR_NAME, host: STRING });
const PROBE = structType(struct('Probe', {
  exec: structType(EXEC),
  httpGet: structType(HTTP_GET),
  tcpSocket: structType(TCP_SOCKET),
  grpc: structType(struct('GRPCAction', { port: PORT, service: STRING })),
  initialDelaySeconds: INT32,
  timeoutSeconds: INT32,
  periodSeconds: INT32,
  successThreshold: INT32,
  failureThreshold: INT32,
  terminationGracePeriodSeconds: INT64,
}));
const HANDLER = structType(struct('LifecycleHandler', {
  exec: structType(EXEC),
  httpGet: structType(HTTP_GET),
  tcpSocket: structType(TCP_SOCKET),
  sleep: structType(struct('SleepAction', { seconds: INT64 })),
}));
const RESOURCES = structType(struct('ResourceRequirements', {
  limits: RESOURCE_LIST,
  requests: RESOURCE_LIST,
  claims: list(structType(struct('ResourceClaim', { name: STRING }))),
}));

/** Fields of `Container` and of `EphemeralContainer` (whose errors name `EphemeralContainer`). */
const CONTAINER_FIELDS: Record<string, FieldType> = {
  name: STRING,
  image: STRING,
  command: STRINGS,
  args: STRINGS,
  workingDir: STRING,
  ports: list(structType(struct('ContainerPort', {
    name: STRING,
    hostPort: PORT,
    containerPort: PORT,
    protocol: named('v1.Protocol'),
    hostIP: STRING,
  }))),
  envFrom: list(structType(struct('EnvFromSource', {}))),
  env: list(structType(struct('EnvVar', {
    name: STRING,
    value: STRING,
    valueFrom: structType(struct('EnvVarSource', {})),
  }))),
  resources: RESOURCES,
  resizePolicy: list(structType(struct('ContainerResizePolicy', {
    resourceName: named('v1.ResourceName'),
    restartPolicy: named('v1.ResourceResizeRestartPolicy'),
  }))),
  restartPolicy: named('v1.ContainerRestartPolicy', 'use restartPolicy: Always for a sidecar, or remove it'),
  volumeMounts: list(structType(struct('VolumeMount', {
    name: STRING,
    readOnly: BOOL,
    mountPath: STRING,
    subPath: STRING,
    mountPropagation: named('v1.MountPropagationMode'),
    subPathExpr: STRING,
  }))),
  livenessProbe: PROBE,
  readinessProbe: PROBE,
  startupProbe: PROBE,
  lifecycle: structType(struct('Lifecycle', { postStart: HANDLER, preStop: HANDLER })),
  terminationMessagePath: STRING,
  terminationMessagePolicy: named('v1.TerminationMessagePolicy'),
  imagePullPolicy: named('v1.PullPolicy'),
  securityContext: structType(struct('SecurityContext', {
    capabilities: structType(struct('Capabilities', { add: list(named('v1.Capability')), drop: list(named('v1.Capability')) })),
    privileged: BOOL,
    runAsUser: INT64,
    runAsGroup: INT64,
    runAsNonRoot: BOOL,
    readOnlyRootFilesystem: BOOL,
    allowPrivilegeEscalation: BOOL,
  })),
  stdin: BOOL,
  stdinOnce: BOOL,
  tty: BOOL,
};
const CONTAINER = struct('Container', CONTAINER_FIELDS);
const EPHEMERAL_CONTAINER = struct('EphemeralContainer', { ...CONTAINER_FIELDS, targetContainerName: STRING });

/** The container lists: checked for being lists of maps here, their entries walked one by one. */
const CONTAINER_LISTS: Record<ContainerListField, FieldType> = {
  containers: list(structType(CONTAINER)),
  initContainers: list(structType(CONTAINER)),
  ephemeralContainers: list(structType(EPHEMERAL_CONTAINER)),
};

/** PodSpec fields other than the container lists. */
const POD_FIELDS: Record<string, FieldType> = {
  volumes: list(structType(struct('Volume', { name: STRING }))),
  restartPolicy: named('v1.RestartPolicy', 'use restartPolicy: Always, OnFailure or Never'),
  terminationGracePeriodSeconds: INT64,
  activeDeadlineSeconds: INT64,
  hostNetwork: BOOL,
  hostPID: BOOL,
  hostIPC: BOOL,
  shareProcessNamespace: BOOL,
  securityContext: structType(struct('PodSecurityContext', {
    runAsUser: INT64,
    runAsGroup: INT64,
    runAsNonRoot: BOOL,
    supplementalGroups: list(INT64),
    fsGroup: INT64,
  })),
  overhead: RESOURCE_LIST,
};
const POD_SPEC = struct('PodSpec', POD_FIELDS);
const POD_SPEC_132 = struct('PodSpec', { ...POD_FIELDS, resources: RESOURCES });

// --- The walk ----------------------------------------------------------------------------------

/**
 * A container list must be a list of maps (`null` entries decode to empty containers, which the
 * field rules report). The entries that are maps are walked by `check`.
 */
function checkContainerList(spec: any, field: ContainerListField, walk: Walk): void {
  const value = spec[field];
  if (value === undefined || value === null) return;
  const type = CONTAINER_LISTS[field];
  if (!Array.isArray(value)) {
    walk.mismatch(value, type, POD, 'PodSpec', field);
    return;
  }
  for (let index = 0; index < value.length; index++) {
    const entry = value[index];
    if (entry !== null && (typeof entry !== 'object' || Array.isArray(entry))) walk.mismatch(entry, type.item!, POD, 'PodSpec', `${field}[${index}]`);
  }
}

/** Where a walk starts: a container entry, or the pod spec itself. */
type Origin = ContainerEntry | typeof POD;

/** The pod spec as an origin: no path of its own. */
const POD = { path: '', label: 'pod spec' } as const;

/**
 * Checks values against types, reporting each mismatch with its path relative to the pod spec
 * (`containers[0].ports[1].containerPort`) and the Go field path the decoder names
 * (`spec.template.spec.containers.ports.containerPort`: JSON names from the object root, no
 * indices). The path is kept as a stack of segments and turned into text only for a finding.
 */
class Walk {
  /** The path from the origin to the value being checked: JSON names and list indices. */
  private readonly segments: (string | number)[] = [];

  public constructor(private readonly specPath: string, private readonly report: (finding: Finding) => void) {}

  /**
   * Check the fields of a map that `fields` describes, walking into structs and along lists (the
   * schema has no list of lists). One self-recursive function, so that the optimizing compiler
   * has one small function to compile rather than a pair inlined into each other.
   */
  public structFields(object: Record<string, unknown>, fields: StructFields, origin: Origin): void {
    const table = fields.fields;
    const segments = this.segments;
    for (const key in object) {
      const type = table[key];
      if (type === undefined) continue;
      const value = object[key];
      if (value === undefined || value === null) continue;
      if (!type.nested) {
        if (!accepts(value, type)) this.mismatchAt(key, value, type, origin, fields.name);
      } else if (type.kind === 'struct') {
        if (!isMap(value)) {
          this.mismatchAt(key, value, type, origin, fields.name);
        } else {
          segments.push(key);
          this.structFields(value as Record<string, unknown>, type.fields!, origin);
          segments.pop();
        }
      } else if (!Array.isArray(value)) {
        this.mismatchAt(key, value, type, origin, fields.name);
      } else {
        segments.push(key);
        const item = type.item!;
        for (let index = 0; index < value.length; index++) {
          const entry = value[index];
          if (entry === undefined || entry === null) continue;
          if (item.nested && isMap(entry)) {
            segments.push(index);
            this.structFields(entry, item.fields!, origin);
            segments.pop();
          } else if (!accepts(entry, item)) {
            this.mismatchAt(index, entry, item, origin, fields.name);
          }
        }
        segments.pop();
      }
    }
  }

  /** `mismatch` for the value at one more segment. */
  private mismatchAt(segment: string | number, value: unknown, type: FieldType, origin: Origin, goStruct: string): void {
    this.segments.push(segment);
    this.mismatch(value, type, origin, goStruct);
    this.segments.pop();
  }

  /** Report `value` at `field` (the path from the origin, or the segments walked so far) in Go struct `goStruct`. */
  public mismatch(value: unknown, type: FieldType, origin: Origin, goStruct: string, field = fieldText(this.segments)): void {
    const path = origin.path === '' ? field : `${origin.path}.${field}`;
    const goField = goFieldPath(this.specPath, path);
    this.report({
      path,
      message: `${origin.label}: ${field} is ${foundText(value)}, but the API server expects ${expectedText(value, type)} and rejects the object before validating it (json: cannot unmarshal ${goValueText(value, type)} into Go struct field ${goStruct}.${goField} of type ${type.go})`,
      fix: fixText(value, type, lastName(field), field.endsWith(']')),
    });
  }
}

/** `ports[0].containerPort` from `['ports', 0, 'containerPort']`. */
function fieldText(segments: readonly (string | number)[]): string {
  let text = '';
  for (const segment of segments) text += typeof segment === 'number' ? `[${segment}]` : text === '' ? segment : `.${segment}`;
  return text;
}

/** Whether a value (not null) of a scalar, map or field-less struct type decodes. */
function accepts(value: unknown, type: FieldType): boolean {
  switch (type.kind) {
    case 'string': return typeof value === 'string';
    case 'bool': return typeof value === 'boolean' || isYaml11Boolean(value);
    case 'int32':
    case 'int64': return fitsInteger(value, type.kind) || (type.port === true && Number.isInteger(value));
    case 'intOrString': return typeof value === 'string' || fitsInteger(value, 'int32') || (type.port === true && Number.isInteger(value));
    default: return isMap(value);
  }
}

function isMap(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The decoder's field path: JSON names from the object root, without list indices. */
function goFieldPath(specPath: string, relative: string): string {
  const names = relative.replace(/\[\d+\]/g, '');
  return specPath === '' ? names : `${specPath}.${names}`;
}

/** The last JSON name of a path: `ports[0].containerPort` → `containerPort`, `command[2]` → `command`. */
function lastName(field: string): string {
  const name = field.replace(/\[\d+\]$/, '');
  return name.slice(name.lastIndexOf('.') + 1);
}

/** Whether a JSON value decodes into a Go int32/int64: a number with an integral value in range. */
function fitsInteger(value: unknown, kind: 'int32' | 'int64'): boolean {
  if (typeof value !== 'number' || !Number.isInteger(value)) return false;
  return kind === 'int32' ? value >= -MAX_INT32 - 1 && value <= MAX_INT32 : value >= -INT64_LIMIT && value <= INT64_LIMIT;
}

/**
 * 2^63 as a double. The largest int64 (2^63 - 1) reads as this same double, so only values beyond
 * it are certainly out of range.
 */
const INT64_LIMIT = 2 ** 63;

/**
 * kubectl reads YAML 1.1, where unquoted `yes`, `on`, `no`, `off`, `y` and `n` are booleans; this
 * linter reads YAML 1.2, where they are strings. In a boolean field they are accepted rather than
 * reported, since a quoted "yes" and an unquoted one can no longer be told apart.
 */
function isYaml11Boolean(value: unknown): boolean {
  return typeof value === 'string' && /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/.test(value);
}

/** The JSON type as the decoder names it: `string`, `number`, `number 1.5` (for integer fields), `bool`, `object`, `array`. */
function goValueText(value: unknown, type: FieldType): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return type.kind === 'int32' || type.kind === 'int64' || type.kind === 'intOrString' ? `number ${String(value)}` : 'number';
  return Array.isArray(value) ? 'array' : 'object';
}

/** How the message shows the value found. */
function foundText(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (typeof value === 'number') return `the number ${String(value)}`;
  return Array.isArray(value) ? 'a list' : 'a map';
}

/** What the field takes, with the range or whole-number note that explains a number turned away. */
function expectedText(value: unknown, type: FieldType): string {
  switch (type.kind) {
    case 'string': return 'a string';
    case 'bool': return 'true or false';
    case 'map': return 'a map';
    case 'struct': return 'a map of fields';
    case 'list': return type.item!.kind === 'string' ? 'a list of strings' : 'a list';
    case 'intOrString':
      return typeof value === 'number' ? `a port number (a whole number up to ${MAX_INT32}) or a port name` : 'a port number or a port name';
    case 'int32':
    case 'int64': {
      if (typeof value !== 'number') return `an ${type.kind} (a number without quotes)`;
      if (!Number.isInteger(value)) return `an ${type.kind}, a whole number`;
      return `an ${type.kind}, between ${type.kind === 'int32' ? `${-MAX_INT32 - 1} and ${MAX_INT32}` : '-9223372036854775808 and 9223372036854775807'}`;
    }
  }
}

/** How to fix it, for the common cases: quotes, fractions, ranges, a string for a list, a template left unrendered. */
function fixText(value: unknown, type: FieldType, name: string, item: boolean): string {
  const isInteger = type.kind === 'int32' || type.kind === 'int64' || type.kind === 'intOrString';
  if (isInteger && typeof value === 'string' && /^[-+]?\d+$/.test(value.trim())) return `write ${name}: ${Number(value.trim())} without quotes`;
  if (isInteger && typeof value === 'number') {
    if (!Number.isInteger(value)) return `use a whole number for ${name}`;
    return `use a value between ${type.kind === 'int64' ? '-9223372036854775808 and 9223372036854775807' : `${-MAX_INT32 - 1} and ${MAX_INT32}`}`;
  }
  if (type.kind === 'string') {
    if (type.fix !== undefined) return type.fix;
    if (typeof value === 'number' || typeof value === 'boolean') {
      return item ? `quote the ${name} item: "${String(value)}"` : `quote the value: ${name}: "${String(value)}"`;
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return `give ${name} a string; an unrendered template such as {{ .Values.${name} }} reads as a YAML map, so render it or quote it`;
    }
  }
  if (type.kind === 'list' && typeof value === 'string') {
    return type.item!.kind === 'string'
      ? `write ${name} as a list of strings, one item per argument, e.g. ["sh", "-c", "..."]`
      : `write ${name} as a list`;
  }
  if (type.kind === 'list') return `write ${name} as a list`;
  return `write ${name} as ${expectedText(value, type)}`;
}
