// An orders worker that reads its database credentials from files rendered by the Vault Agent
// preset: one native sidecar instead of the injector's vault-agent-init + vault-agent pair. Its
// startup probe waits for the first file, so the app starts with its secrets in place, and the
// agent keeps renewing them for the pod's life.
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { DependencyCondition, SidecarDeployment, VaultAgent } from '../src';

export class PresetVaultAgentChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const worker = new SidecarDeployment(this, 'orders-worker', { replicas: 2 });
    const app = worker.addContainer({
      name: 'worker',
      image: 'ghcr.io/example/orders-worker:5.2.0',
      command: ['/worker', '--database-url-file', '/vault/secrets/database-url'],
      resources: { cpu: { request: kplus.Cpu.millis(250) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
      securityContext: { user: 10001, group: 10001 },
    });
    const vault = VaultAgent.addTo(worker, {
      vaultAddress: 'https://vault.vault.svc:8200',
      role: 'orders-worker',
      secrets: [
        {
          fileName: 'database-url',
          path: 'database/creds/orders',
          template: '{{ with secret "database/creds/orders" }}postgres://{{ .Data.username }}:{{ .Data.password }}@orders-db:5432/orders{{ end }}',
        },
        { fileName: 'api-keys', path: 'secret/data/orders/api' },
      ],
      app,
    });
    worker.addContainerDependency(app, { container: vault, condition: DependencyCondition.READY });
  }
}

if (require.main === module) {
  const app = new App();
  new PresetVaultAgentChart(app, 'preset-vault-agent');
  app.synth();
}
