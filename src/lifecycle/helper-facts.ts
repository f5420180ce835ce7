import { detectHelper } from './helper-images';

/**
 * What is known about a helper beyond `detectHelper`: the loopback ports other
 * containers reach it on, how legacy manifests told it to quit, the init containers that must run
 * before it, and when a startupProbe can be written for it without guessing. Values are the
 * upstream defaults recorded in the mesh-and-presets research notes. Shared by `lint` (is a helper
 * stopped by a quit call?) and `migrate` (where does it go, which calls can be removed).
 */
export interface HelperFacts {
  /** `detectHelper`'s product, or `undefined` for a container named with `--sidecar`. */
  readonly product?: string;
  /** Ports other containers may call it on: declared, well-known and set by flags. */
  readonly ports: number[];
  /** HTTP endpoints that make it exit. */
  readonly quitEndpoints: QuitEndpoint[];
  /** Process names that `pkill`/`killall` calls use for it. */
  readonly processNames: string[];
  /** Names of init containers that prepare it and must keep running before it (iptables setup). */
  readonly preparerNames: string[];
}

/** An HTTP endpoint on the loopback interface that makes a helper exit. */
export interface QuitEndpoint {
  readonly port: number;
  readonly path: string;
  /** False when the container's own settings turn the endpoint off, so a call to it does nothing. */
  readonly served: boolean;
}

/** Ports that mesh proxies and agents serve without declaring them. */
const WELL_KNOWN_PORTS: Record<string, number[]> = {
  'istio-proxy': [15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053, 15090],
  'linkerd-proxy': [4140, 4143, 4190, 4191],
  'vault-agent': [8200],
  'fluent-bit': [2020],
  'opentelemetry-collector': [4317, 4318, 13133],
  'configmap-reload': [9533],
};

const PROCESS_NAMES: Record<string, string[]> = {
  'istio-proxy': ['envoy', 'pilot-agent'],
  'linkerd-proxy': ['linkerd2-proxy', 'linkerd-proxy'],
  'cloud-sql-proxy': ['cloud-sql-proxy', 'cloud_sql_proxy'],
  'cloud-sql-proxy-v1': ['cloud_sql_proxy'],
  'alloydb-auth-proxy': ['alloydb-auth-proxy'],
  'envoy': ['envoy'],
};

/** The init containers each mesh injects to set up traffic capture before its proxy. */
const MESH_PREPARERS: Record<string, string[]> = {
  'istio-proxy': ['istio-init', 'istio-validation'],
  'linkerd-proxy': ['linkerd-init', 'linkerd-network-validator'],
};

/** Cloud SQL and AlloyDB Auth Proxies: the same flags, the same admin server. */
export const CLOUD_SQL_LIKE = new Set(['cloud-sql-proxy', 'alloydb-auth-proxy']);

/** The facts for a container (plain JS, as parsed). */
export function helperFacts(container: any): HelperFacts {
  const helper = typeof container?.image === 'string' ? detectHelper(container.image) : undefined;
  const product = helper?.product;
  const argv = argvOf(container);
  const ports = new Set<number>(declaredPorts(container));
  if (helper?.readiness) ports.add(helper.readiness.port);
  for (const port of product ? WELL_KNOWN_PORTS[product] ?? [] : []) ports.add(port);
  const quitEndpoints: QuitEndpoint[] = [];
  if (product === 'istio-proxy') {
    quitEndpoints.push({ port: 15020, path: '/quitquitquit', served: true }, { port: 15000, path: '/quitquitquit', served: !envoyDisabled(container) });
  } else if (product === 'linkerd-proxy') {
    // The proxy serves /shutdown only when LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED is on (the injector's
    // default since 2.12 is off; older proxies had no such variable and always served it).
    quitEndpoints.push({ port: 4191, path: '/shutdown', served: envValue(container, 'LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED') !== 'false' });
  } else if (product !== undefined && CLOUD_SQL_LIKE.has(product)) {
    for (const flag of ['port', 'http-port']) {
      const value = Number(flagValue(argv, flag));
      if (Number.isInteger(value) && value > 0) ports.add(value);
    }
    if (hasFlag(argv, 'health-check') || hasFlag(argv, 'prometheus')) ports.add(httpPort(argv));
    // The admin server, and so `/quitquitquit`, exists only with `--quitquitquit`.
    if (hasFlag(argv, 'quitquitquit')) {
      const adminPort = Number(flagValue(argv, 'admin-port') ?? 9091);
      ports.add(adminPort);
      quitEndpoints.push({ port: adminPort, path: '/quitquitquit', served: true });
    }
  }
  return {
    ...(product !== undefined ? { product } : {}),
    ports: [...ports],
    quitEndpoints,
    processNames: product ? PROCESS_NAMES[product] ?? [] : [],
    preparerNames: product ? MESH_PREPARERS[product] ?? [] : [],
  };
}

/** `command` followed by `args`, the strings only. */
export function argvOf(container: any): string[] {
  const strings = (value: unknown): string[] => Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  return [...strings(container?.command), ...strings(container?.args)];
}

/** The distinct integer containerPorts a container declares. */
export function declaredPorts(container: any): number[] {
  const ports = Array.isArray(container?.ports) ? container.ports : [];
  const numbers: number[] = [];
  for (const port of ports) {
    const value = port?.containerPort;
    if (typeof value === 'number' && Number.isInteger(value) && value > 0 && !numbers.includes(value)) numbers.push(value);
  }
  return numbers;
}

/** Whether a boolean flag is on: `--name`, `--name=true` (cobra also accepts one dash). */
export function hasFlag(argv: string[], name: string): boolean {
  return argv.some(arg => arg === `--${name}` || arg === `-${name}` || arg === `--${name}=true` || arg === `-${name}=true`);
}

/** The value of `--name=value` or `--name value`. */
export function flagValue(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    for (const prefix of [`--${name}`, `-${name}`]) {
      if (argv[i].startsWith(`${prefix}=`)) return argv[i].slice(prefix.length + 1);
      if (argv[i] === prefix && i + 1 < argv.length && !argv[i + 1].startsWith('-')) return argv[i + 1];
    }
  }
  return undefined;
}

export function httpPort(argv: string[]): number {
  const value = Number(flagValue(argv, 'http-port') ?? 9090);
  return Number.isInteger(value) && value > 0 ? value : 9090;
}

/** The literal value of an env variable of a container, or `undefined`. */
export function envValue(container: any, name: string): string | undefined {
  const env = Array.isArray(container?.env) ? container.env : [];
  const variable = env.find((entry: any) => entry?.name === name);
  return typeof variable?.value === 'string' ? variable.value : undefined;
}

/**
 * Istio's proxyless mode: `DISABLE_ENVOY=true` makes pilot-agent run without Envoy (the grpc-agent
 * injection template), so Envoy's ports (15000 admin, 15021 health, 15090 metrics) are not served.
 */
export function envoyDisabled(container: any): boolean {
  return envValue(container, 'DISABLE_ENVOY')?.toLowerCase() === 'true';
}
