// Vault Agent, then a database proxy, then the app, with a run-once database migration that
// needs the secrets Vault renders and the proxy's connection. The migration is declared first;
// the library derives the order vault-agent -> db-proxy -> migrate -> app from the dependencies.
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { DependencyCondition, SidecarDeployment } from '../src';

export class VaultProxyAppChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const secrets = kplus.Volume.fromEmptyDir(this, 'secrets', 'vault-secrets', { medium: kplus.EmptyDirMedium.MEMORY });
    const orders = new SidecarDeployment(this, 'orders', { replicas: 3, appStopTime: Duration.seconds(20) });

    const migrate = orders.addRunOnceInit({
      name: 'migrate',
      image: 'ghcr.io/example/orders-migrations:5.2.0',
      command: ['/migrate', '--database-url-file', '/vault/secrets/database-url'],
      volumeMounts: [{ path: '/vault/secrets', volume: secrets, readOnly: true }],
      resources: { cpu: { request: kplus.Cpu.millis(200) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(256) } },
    });
    const vault = orders.addSidecar({
      name: 'vault-agent',
      image: 'hashicorp/vault:1.17.6',
      args: ['agent', '-config=/vault/config/agent.hcl'],
      portNumber: 8200,
      volumeMounts: [{ path: '/vault/secrets', volume: secrets }],
      // The agent writes its first secrets before this file appears.
      startupProbe: kplus.Probe.fromCommand(['sh', '-c', 'test -s /vault/secrets/database-url'], { periodSeconds: Duration.seconds(1), failureThreshold: 60 }),
    });
    const proxy = orders.addSidecar({
      name: 'db-proxy',
      image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1',
      args: ['--port=5432', '--health-check', '--http-address=0.0.0.0', '--http-port=9090', 'example:europe-west1:orders'],
      ports: [{ number: 5432, name: 'postgres' }, { number: 9090, name: 'health' }],
      startupProbe: kplus.Probe.fromHttpGet('/startup', { port: 9090, periodSeconds: Duration.seconds(1), failureThreshold: 60 }),
      livenessProbe: kplus.Probe.fromHttpGet('/liveness', { port: 9090 }),
      drainTime: Duration.seconds(15),
      dependsOn: [{ container: vault, condition: DependencyCondition.READY }],
    });
    migrate.addDependency(
      { container: vault, condition: DependencyCondition.READY },
      { container: proxy, condition: DependencyCondition.READY },
    );

    const app = orders.addContainer({
      name: 'app',
      image: 'ghcr.io/example/orders:5.2.0',
      portNumber: 8080,
      volumeMounts: [{ path: '/vault/secrets', volume: secrets, readOnly: true }],
      resources: { cpu: { request: kplus.Cpu.millis(500) }, memory: { request: Size.mebibytes(512), limit: Size.mebibytes(1024) } },
    });
    orders.addContainerDependency(app,
      { container: migrate, condition: DependencyCondition.COMPLETED },
      { container: proxy, condition: DependencyCondition.READY });
  }
}

if (require.main === module) {
  const app = new App();
  new VaultProxyAppChart(app, 'vault-proxy-app');
  app.synth();
}
