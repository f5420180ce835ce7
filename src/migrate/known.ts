import { argvOf, CLOUD_SQL_LIKE, envoyDisabled, flagValue, hasFlag, httpPort } from '../lifecycle/helper-facts';
import { KnownHelper } from '../lifecycle/helper-images';

export { argvOf, declaredPorts, flagValue, hasFlag, helperFacts } from '../lifecycle/helper-facts';
export type { HelperFacts, QuitEndpoint } from '../lifecycle/helper-facts';

/** A startupProbe the migration can add, and where its endpoint comes from (for the report). */
export interface KnownStartupProbe {
  readonly probe: Record<string, any>;
  /** The readinessProbe handler (`httpGet`, `tcpSocket` or `grpc`) to clone, when copied from the container. */
  readonly copyReadinessHandler?: string;
  readonly source: string;
}

/**
 * Helpers whose own native injector turns the readinessProbe into the startupProbe: Linkerd's
 * proxy (`GET /ready :4191`, period 1) and the OpenTelemetry operator's collector.
 */
const STARTUP_FROM_READINESS: Record<string, string> = {
  'linkerd-proxy': 'as Linkerd\'s native injection does',
  'opentelemetry-collector': 'as the OpenTelemetry operator does in native mode',
};

/** Period and threshold of every added startupProbe: checked each second for up to a minute. */
export const STARTUP_PERIOD_SECONDS = 1;
export const STARTUP_FAILURE_THRESHOLD = 60;

/** The probe handlers a readinessProbe can be copied from: each checks that the helper serves. */
const COPIED_HANDLERS = ['httpGet', 'tcpSocket', 'grpc'];

/**
 * The startupProbe to add to a moved sidecar, derived from what the manifest says the helper
 * serves, in this order: the container's own readinessProbe handler (it is what the pod already
 * trusts, and it follows the helper's actual mode); Cloud SQL / AlloyDB proxies' `/startup` when
 * `--health-check` serves it on a pod-reachable address; the catalogue's readiness endpoint, unless
 * the container's settings turn that endpoint off (`notServed` then says why). `undefined`
 * otherwise: a probe on a port nothing serves would keep the pod from ever starting.
 */
export function knownStartupProbe(container: any, helper: KnownHelper | undefined): KnownStartupProbe | undefined {
  const timing = { periodSeconds: STARTUP_PERIOD_SECONDS, failureThreshold: STARTUP_FAILURE_THRESHOLD };
  const readiness = container?.readinessProbe;
  const handler = COPIED_HANDLERS.find(key => isObject(readiness?.[key]) && readiness[key].port !== undefined);
  if (handler !== undefined) {
    const reason = helper ? STARTUP_FROM_READINESS[helper.product] : undefined;
    return {
      probe: { [handler]: readiness[handler], ...timing },
      copyReadinessHandler: handler,
      source: `its own readinessProbe endpoint${reason ? `, ${reason}` : ''}`,
    };
  }
  const argv = argvOf(container);
  if (helper !== undefined && CLOUD_SQL_LIKE.has(helper.product) && hasFlag(argv, 'health-check') && flagValue(argv, 'http-address') === '0.0.0.0') {
    return {
      probe: { httpGet: { path: '/startup', port: httpPort(argv) }, ...timing },
      source: `${helper.product}'s /startup endpoint, served because of --health-check and --http-address=0.0.0.0`,
    };
  }
  if (helper?.readiness && notServed(container, helper) === undefined) {
    const { path, port } = helper.readiness;
    return { probe: { httpGet: { path, port }, ...timing }, source: `${helper.product}'s known readiness endpoint` };
  }
  return undefined;
}

/**
 * Why the catalogue's readiness endpoint is not served by this container, or `undefined`: Istio's
 * proxyless mode (`DISABLE_ENVOY=true`) runs pilot-agent without Envoy, so nothing listens on 15021.
 */
export function notServed(container: any, helper: KnownHelper | undefined): string | undefined {
  if (helper?.product === 'istio-proxy' && envoyDisabled(container)) {
    return `it sets DISABLE_ENVOY=true (Istio's proxyless mode: pilot-agent runs without Envoy), so nothing serves ${helper.readiness!.path} on port ${helper.readiness!.port}`;
  }
  return undefined;
}

/** A short description of a probe's handler for the report: `httpGet /ready on port 4191`, `tcpSocket on port 5432`. */
export function describeHandler(probe: Record<string, any>): string {
  for (const key of COPIED_HANDLERS) {
    const handler = probe[key];
    if (!isObject(handler)) continue;
    return key === 'httpGet' ? `httpGet ${handler.path ?? '/'} on port ${handler.port}` : `${key} on port ${handler.port}`;
  }
  return 'a probe';
}

function isObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
