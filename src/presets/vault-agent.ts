import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Sidecar } from '../init-container';
import { addRawVolume, checkOwnContainer, presetTarget } from './_preset';
import { wholeSecondsUp } from '../lifecycle/seconds';
import { checkList, checkObject } from '../prop-checks';
import { ISidecarWorkload } from '../workloads/workload';

const SECRETS_DIR = '/vault/secrets';
const HOME_DIR = '/home/vault';
const TOKEN_DIR = '/var/run/secrets/vault.hashicorp.com/serviceaccount';
const CACHE_PORT = 8200;

/**
 * One file the agent renders into the shared secrets volume.
 */
export interface VaultSecret {
  /** File name under `/vault/secrets`, e.g. `database-url`. */
  readonly fileName: string;
  /** Vault path of the secret, e.g. `database/creds/orders` or `secret/data/orders/api`. */
  readonly path: string;
  /**
   * Consul Template for the file's contents.
   * @default - every key of the secret's data as `key: value` lines (the injector's default template)
   */
  readonly template?: string;
}

/**
 * Options of the Vault Agent sidecar.
 */
export interface VaultAgentOptions {
  /** Vault's address, e.g. `https://vault.vault.svc:8200`. */
  readonly vaultAddress: string;
  /** Vault role of the Kubernetes auth method. */
  readonly role: string;
  /** The files to render; the first one gates startup. */
  readonly secrets: VaultSecret[];
  /**
   * Mount path of the Kubernetes auth method.
   * @default 'auth/kubernetes'
   */
  readonly authPath?: string;
  /**
   * Audience of the projected service-account token the agent logs in with.
   * @default - the API server's default audience
   */
  readonly tokenAudience?: string;
  /**
   * A main container that reads the secrets: the secrets volume is mounted into it, read-only, at `/vault/secrets`.
   * @default - no container is changed
   */
  readonly app?: kplus.Container;
  /**
   * Serve a caching proxy to Vault on 127.0.0.1:8200 for the app (`cache` plus a listener).
   * @default false
   */
  readonly cache?: boolean;
  /**
   * Container name.
   * @default 'vault-agent'
   */
  readonly name?: string;
  /**
   * Vault image.
   * @default `hashicorp/vault:${VaultAgent.VERSION}`
   */
  readonly image?: string;
  /**
   * Resources.
   * @default - the injector's defaults: requests 250m CPU and 64Mi, limits 500m CPU and 128Mi
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * How long the startup probe waits for the first file: Vault latency plus login. The probe runs
   * once a second, so a fraction of a second is rounded up.
   * @default Duration.minutes(2)
   */
  readonly startupTimeout?: Duration;
}

/**
 * Vault Agent as one native sidecar, replacing the injector's `vault-agent-init` + `vault-agent`
 * pair (vault-k8s cannot inject a native sidecar yet, hashicorp/vault-k8s#620). Its startupProbe
 * checks that the first secret file exists, so every container after it starts with the secrets
 * in place, and it keeps renewing them for the pod's life; in a Job it is stopped when the main
 * containers finish. Configuration is the injector's: a JSON agent config in `VAULT_CONFIG`,
 * Kubernetes auth with a projected token, `exit_on_retry_failure`, a Memory emptyDir for the
 * secrets. No revoke-on-shutdown preStop: for a native sidecar it runs at termination start and
 * would revoke leases the app is still using.
 */
export class VaultAgent {
  /** Vault version rendered by default. */
  public static readonly VERSION = '1.21.4';

  /**
   * Add the agent to a workload.
   * @returns the sidecar's handle; make containers that need the secrets depend on it READY
   */
  public static addTo(workload: ISidecarWorkload, options: VaultAgentOptions): Sidecar {
    const where = 'VaultAgent.addTo()';
    const scope = presetTarget(workload, where, options, '{ vaultAddress, role, secrets } (VaultAgentOptions)');
    if (options.app !== undefined) checkOwnContainer(scope, where, 'app', options.app);
    checkList(() => `[${scope.node.path}] ${where}`, 'secrets', options.secrets, (prop, secret) => checkObject(() => `[${scope.node.path}] ${where}`, prop, secret));
    if (options.secrets.length === 0) throw new Error(`${where}: secrets is empty; give at least one { fileName, path }`);
    const seen = new Set<string>();
    for (const secret of options.secrets) {
      if (!/^[A-Za-z0-9._-]+$/.test(secret.fileName)) throw new Error(`${where}: fileName "${secret.fileName}" is not a plain file name`);
      if (seen.has(secret.fileName)) throw new Error(`${where}: fileName "${secret.fileName}" is given twice`);
      seen.add(secret.fileName);
    }
    if (!/^https?:\/\/\S+$/.test(options.vaultAddress)) {
      throw new Error(`${where}: vaultAddress "${options.vaultAddress}" is not an http(s) URL, e.g. "https://vault.vault.svc:8200"`);
    }
    const name = options.name ?? 'vault-agent';
    const secrets = kplus.Volume.fromEmptyDir(scope, `${name}-secrets`, `${name}-secrets`, { medium: kplus.EmptyDirMedium.MEMORY });
    const home = kplus.Volume.fromEmptyDir(scope, `${name}-home`, `${name}-home`, { medium: kplus.EmptyDirMedium.MEMORY });
    const timeout = Math.max(1, wholeSecondsUp(options.startupTimeout ?? Duration.minutes(2)));

    const sidecar = workload.addSidecar({
      name,
      image: options.image ?? `hashicorp/vault:${VaultAgent.VERSION}`,
      command: ['/bin/sh', '-ec'],
      args: [`echo \${VAULT_CONFIG?} | base64 -d > ${HOME_DIR}/config.json && vault agent -config=${HOME_DIR}/config.json`],
      envVariables: {
        VAULT_CONFIG: kplus.EnvValue.fromValue(Buffer.from(agentConfig(options)).toString('base64')),
        VAULT_LOG_LEVEL: kplus.EnvValue.fromValue('info'),
        VAULT_LOG_FORMAT: kplus.EnvValue.fromValue('standard'),
      },
      ports: options.cache ? [{ number: CACHE_PORT, name: 'vault-cache' }] : undefined,
      volumeMounts: [
        { path: SECRETS_DIR, volume: secrets },
        { path: HOME_DIR, volume: home },
      ],
      startupProbe: kplus.Probe.fromCommand(['test', '-e', `${SECRETS_DIR}/${options.secrets[0].fileName}`], {
        periodSeconds: Duration.seconds(1),
        failureThreshold: timeout,
      }),
      resources: options.resources ?? {
        cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) },
      },
      // The injector's user and group.
      securityContext: {
        user: 100,
        group: 1000,
        ensureNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: [kplus.Capability.ALL] },
      },
      drainTime: Duration.seconds(5),
    });
    addRawVolume(workload, name, {
      name: `${name}-token`,
      projected: {
        sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600, ...(options.tokenAudience !== undefined ? { audience: options.tokenAudience } : {}) } }],
      },
    }, { name: `${name}-token`, mountPath: TOKEN_DIR, readOnly: true });
    options.app?.mount(SECRETS_DIR, secrets, { readOnly: true });
    return sidecar;
  }

  private constructor() {}
}

/** The agent configuration, as the injector writes it (JSON). */
function agentConfig(options: VaultAgentOptions): string {
  const defaultTemplate = (path: string) => `{{ with secret "${path}" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}{{ end }}`;
  return JSON.stringify({
    auto_auth: {
      method: {
        type: 'kubernetes',
        mount_path: options.authPath ?? 'auth/kubernetes',
        config: { role: options.role, token_path: `${TOKEN_DIR}/token` },
      },
      sink: [{ type: 'file', config: { path: `${HOME_DIR}/.vault-token` } }],
    },
    exit_after_auth: false,
    pid_file: `${HOME_DIR}/.pid`,
    vault: { address: options.vaultAddress },
    template_config: { exit_on_retry_failure: true },
    template: options.secrets.map(secret => ({
      destination: `${SECRETS_DIR}/${secret.fileName}`,
      contents: secret.template ?? defaultTemplate(secret.path),
      left_delimiter: '{{',
      right_delimiter: '}}',
    })),
    ...(options.cache ? {
      cache: {},
      listener: [{ type: 'tcp', address: `127.0.0.1:${CACHE_PORT}`, tls_disable: true }],
    } : {}),
  });
}
