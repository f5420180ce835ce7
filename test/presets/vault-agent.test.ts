import { Duration } from 'cdk8s';
import { workloadWithApp } from './_helpers';
import { DependencyCondition, VaultAgent } from '../../src';
import { container, envOf, lint, render } from '../mesh/_helpers';

const SECRETS = [
  { fileName: 'database-url', path: 'database/creds/orders', template: '{{ with secret "database/creds/orders" }}{{ .Data.username }}{{ end }}' },
  { fileName: 'api-keys', path: 'secret/data/orders/api' },
];

function decodedConfig(agent: any): any {
  return JSON.parse(Buffer.from(envOf(agent).VAULT_CONFIG, 'base64').toString());
}

describe('VaultAgent', () => {
  test('one native sidecar (no vault-agent-init), gated by the first rendered file', () => {
    const { chart, workload, app } = workloadWithApp();
    const vault = VaultAgent.addTo(workload, { vaultAddress: 'https://vault.vault.svc:8200', role: 'orders', secrets: SECRETS, app });
    workload.addContainerDependency(app, { container: vault, condition: DependencyCondition.READY });
    const { manifests, spec } = render(chart);
    expect(spec.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['vault-agent', 'Always']]);
    const agent = spec.initContainers[0];
    expect(agent.image).toBe('hashicorp/vault:1.21.4');
    expect(agent.command).toEqual(['/bin/sh', '-ec']);
    expect(agent.args).toEqual(['echo ${VAULT_CONFIG?} | base64 -d > /home/vault/config.json && vault agent -config=/home/vault/config.json']);
    expect(agent.startupProbe).toEqual({ exec: { command: ['test', '-e', '/vault/secrets/database-url'] }, periodSeconds: 1, failureThreshold: 120 });
    expect(agent.readinessProbe).toBeUndefined();
    expect(agent.lifecycle).toBeUndefined();
    expect(agent.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 100,
      runAsGroup: 1000,
      capabilities: { drop: ['ALL'] },
    });
    expect(agent.resources).toEqual({ requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } });
    expect(lint(manifests)).toEqual([]);
  });

  test('volumes: Memory emptyDirs for secrets and home, a projected token; the app reads the secrets read-only', () => {
    const { chart, workload, app } = workloadWithApp();
    VaultAgent.addTo(workload, { vaultAddress: 'https://vault:8200', role: 'orders', secrets: SECRETS, app, tokenAudience: 'vault' });
    const { spec } = render(chart);
    expect(container(spec, 'vault-agent').volumeMounts).toEqual([
      { mountPath: '/vault/secrets', name: 'vault-agent-secrets' },
      { mountPath: '/home/vault', name: 'vault-agent-home' },
      { mountPath: '/var/run/secrets/vault.hashicorp.com/serviceaccount', name: 'vault-agent-token', readOnly: true },
    ]);
    expect(container(spec, 'app').volumeMounts).toEqual([{ mountPath: '/vault/secrets', name: 'vault-agent-secrets', readOnly: true }]);
    expect(spec.volumes).toEqual([
      { name: 'vault-agent-secrets', emptyDir: { medium: 'Memory' } },
      { name: 'vault-agent-home', emptyDir: { medium: 'Memory' } },
      { name: 'vault-agent-token', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600, audience: 'vault' } }] } },
    ]);
  });

  test('the agent configuration: Kubernetes auth, templates, exit_on_retry_failure; cache listener on request', () => {
    const { chart, workload } = workloadWithApp('Job');
    VaultAgent.addTo(workload, { vaultAddress: 'https://vault:8200', role: 'orders', secrets: SECRETS, cache: true, authPath: 'auth/k8s-prod', startupTimeout: Duration.seconds(30) });
    const { manifests, spec } = render(chart);
    const agent = container(spec, 'vault-agent');
    expect(decodedConfig(agent)).toEqual({
      auto_auth: {
        method: { type: 'kubernetes', mount_path: 'auth/k8s-prod', config: { role: 'orders', token_path: '/var/run/secrets/vault.hashicorp.com/serviceaccount/token' } },
        sink: [{ type: 'file', config: { path: '/home/vault/.vault-token' } }],
      },
      exit_after_auth: false,
      pid_file: '/home/vault/.pid',
      vault: { address: 'https://vault:8200' },
      template_config: { exit_on_retry_failure: true },
      template: [
        { destination: '/vault/secrets/database-url', contents: SECRETS[0].template, left_delimiter: '{{', right_delimiter: '}}' },
        {
          destination: '/vault/secrets/api-keys',
          contents: '{{ with secret "secret/data/orders/api" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}{{ end }}',
          left_delimiter: '{{',
          right_delimiter: '}}',
        },
      ],
      cache: {},
      listener: [{ type: 'tcp', address: '127.0.0.1:8200', tls_disable: true }],
    });
    expect(agent.ports).toEqual([{ containerPort: 8200, name: 'vault-cache' }]);
    expect(agent.startupProbe.failureThreshold).toBe(30);
    expect(lint(manifests)).toEqual([]);
  });

  test.each([
    [{ secrets: [] }, 'VaultAgent.addTo(): secrets is empty; give at least one { fileName, path }'],
    [{ secrets: [{ fileName: '../x', path: 'p' }] }, 'VaultAgent.addTo(): fileName "../x" is not a plain file name'],
    [{ secrets: [{ fileName: 'a', path: 'p' }, { fileName: 'a', path: 'q' }] }, 'VaultAgent.addTo(): fileName "a" is given twice'],
    [{ secrets: SECRETS, vaultAddress: 'vault:8200' }, 'VaultAgent.addTo(): vaultAddress "vault:8200" is not an http(s) URL, e.g. "https://vault.vault.svc:8200"'],
  ])('rejects %j', (options, message) => {
    const { workload } = workloadWithApp();
    expect(() => VaultAgent.addTo(workload, { vaultAddress: 'https://vault:8200', role: 'r', ...options } as any)).toThrow(message);
  });
});
