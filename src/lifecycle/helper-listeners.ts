/**
 * Helpers that listen on a port the app dials, though their manifests rarely declare it: database
 * and auth proxies serve `127.0.0.1` on a port set by a flag or their defaults. SC207 reads this to
 * know a sidecar listens, and that the containers after it connect to it.
 */
import { detectHelper } from './helper-images';

/** Where a catalogued helper takes its listening port from. */
interface ListenerFacts {
  /** Where it listens when nothing sets the port, in words: `port 5432`. */
  readonly defaultPort: string;
  /** Flags that set the port: `--port 5431`, `--port=5431`. */
  readonly portFlags: readonly string[];
  /** Environment variables that set the port. */
  readonly portEnv: readonly string[];
  /**
   * How to give it a startupProbe. It listens on 127.0.0.1, which a kubelet tcpSocket probe (sent
   * to the pod IP) cannot reach, so the probe goes to its health endpoint.
   */
  readonly startupProbe: string;
}

const LISTENERS: Readonly<Record<string, ListenerFacts>> = {
  'cloud-sql-proxy': {
    defaultPort: 'the database engine\'s port (5432, 3306 or 1433)',
    portFlags: ['--port', '-p'],
    portEnv: ['CSQL_PROXY_PORT'],
    startupProbe: 'start it with --health-check --http-address=0.0.0.0 and probe httpGet /startup on its --http-port (9090 by default)',
  },
  'alloydb-auth-proxy': {
    defaultPort: 'port 5432',
    portFlags: ['--port', '-p'],
    portEnv: ['ALLOYDB_PROXY_PORT'],
    startupProbe: 'start it with --health-check --http-address=0.0.0.0 and probe httpGet /startup on its --http-port (9090 by default)',
  },
  'cloud-sql-proxy-v1': {
    defaultPort: 'the port in -instances (tcp:PORT)',
    portFlags: [],
    portEnv: [],
    startupProbe: 'move to the v2 image (gcr.io/cloud-sql-connectors/cloud-sql-proxy), whose --health-check serves /startup',
  },
};

/** A sidecar the pod's other containers dial: what it is, and the port it listens on as written. */
export interface HelperListener {
  /** The catalogue's product id, e.g. `cloud-sql-proxy`. */
  readonly product: string;
  /** Where it listens, in words: `port 5431` (as the manifest sets it, placeholders included), or its default. */
  readonly listensOn: string;
  /** How to give it a startupProbe, in words. */
  readonly startupProbe: string;
}

/** The port a catalogued client-side proxy listens on, or undefined for other containers. */
export function helperListener(container: Record<string, any>): HelperListener | undefined {
  const image = container.image;
  if (typeof image !== 'string') return undefined;
  const product = detectHelper(image)?.product;
  const facts = product !== undefined ? LISTENERS[product] : undefined;
  if (product === undefined || facts === undefined) return undefined;
  const port = portFromFlags(container, facts) ?? portFromEnv(container, facts);
  return { product, listensOn: port !== undefined ? `port ${port}` : facts.defaultPort, startupProbe: facts.startupProbe };
}

function portFromFlags(container: Record<string, any>, facts: ListenerFacts): string | undefined {
  const words = [...stringItems(container.command), ...stringItems(container.args)];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    for (const flag of facts.portFlags) {
      if (word.startsWith(`${flag}=`)) return word.slice(flag.length + 1);
      if (word === flag && i + 1 < words.length) return words[i + 1];
    }
  }
  return undefined;
}

function portFromEnv(container: Record<string, any>, facts: ListenerFacts): string | undefined {
  for (const variable of Array.isArray(container.env) ? container.env : []) {
    if (variable !== null && typeof variable === 'object' && facts.portEnv.includes(variable.name) && typeof variable.value === 'string') return variable.value;
  }
  return undefined;
}

function stringItems(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
