import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { BusyboxPodChart } from './busybox-pod';
import { LogShipperChart } from './log-shipper';
import { MeshInjectChart } from './mesh-inject';
import { MeshIstioChart } from './mesh-istio';
import { MeshJobChart } from './mesh-job';
import { MeshLinkerdChart } from './mesh-linkerd';
import { NightlyExportChart } from './nightly-export-job';
import { PresetCloudSqlProxyChart } from './preset-cloud-sql-proxy';
import { PresetConfigReloaderChart } from './preset-config-reloader';
import { PresetFluentBitChart } from './preset-fluent-bit';
import { PresetOtelCollectorChart } from './preset-otel-collector';
import { PresetVaultAgentChart } from './preset-vault-agent';
import { VaultProxyAppChart } from './vault-proxy-app';
import { WebEnvoyChart } from './web-envoy';

/** One runnable example: the chart class and the name its YAML is written under. */
export interface Example {
  readonly name: string;
  readonly chart: new (scope: Construct, id: string) => Chart;
}

/** Every example app, in the order `npm run example` prints them. */
export const EXAMPLES: Example[] = [
  { name: 'web-envoy', chart: WebEnvoyChart },
  { name: 'vault-proxy-app', chart: VaultProxyAppChart },
  { name: 'nightly-export-job', chart: NightlyExportChart },
  { name: 'log-shipper', chart: LogShipperChart },
  { name: 'busybox-pod', chart: BusyboxPodChart },
  { name: 'mesh-istio', chart: MeshIstioChart },
  { name: 'mesh-linkerd', chart: MeshLinkerdChart },
  { name: 'mesh-inject', chart: MeshInjectChart },
  { name: 'mesh-job', chart: MeshJobChart },
  { name: 'preset-cloud-sql-proxy', chart: PresetCloudSqlProxyChart },
  { name: 'preset-otel-collector', chart: PresetOtelCollectorChart },
  { name: 'preset-fluent-bit', chart: PresetFluentBitChart },
  { name: 'preset-vault-agent', chart: PresetVaultAgentChart },
  { name: 'preset-config-reloader', chart: PresetConfigReloaderChart },
];
