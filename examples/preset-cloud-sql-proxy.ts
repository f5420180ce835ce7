// An inventory API that reaches two Cloud SQL instances through the Cloud SQL Auth Proxy preset:
// health server on 0.0.0.0:9090 for the kubelet, startup and liveness probes but no readiness
// probe, --exit-zero-on-sigterm. The app waits for the proxy's startup probe (READY).
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { CloudSqlProxy, DependencyCondition, SidecarDeployment } from '../src';

export class PresetCloudSqlProxyChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const inventory = new SidecarDeployment(this, 'inventory', { replicas: 2 });
    const proxy = CloudSqlProxy.addTo(inventory, {
      instances: [
        { connectionName: 'example:europe-west1:inventory', port: 5432 },
        { connectionName: 'example:europe-west1:reporting', port: 5433 },
      ],
      privateIp: true,
      autoIamAuthn: true,
      maxSigtermDelay: Duration.seconds(10),
    });
    const app = inventory.addContainer({
      name: 'inventory',
      image: 'ghcr.io/example/inventory:6.1.0',
      ports: [{ number: 8080, name: 'http' }],
      envVariables: {
        DATABASE_URL: kplus.EnvValue.fromValue('postgres://inventory@127.0.0.1:5432/inventory'),
        REPORTING_URL: kplus.EnvValue.fromValue('postgres://reporting@127.0.0.1:5433/reporting'),
      },
      resources: { cpu: { request: kplus.Cpu.millis(250) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
      securityContext: { user: 10001, group: 10001 },
    });
    inventory.addContainerDependency(app, { container: proxy, condition: DependencyCondition.READY });
  }
}

if (require.main === module) {
  const app = new App();
  new PresetCloudSqlProxyChart(app, 'preset-cloud-sql-proxy');
  app.synth();
}
