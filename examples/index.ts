import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { BusyboxPodChart } from './busybox-pod';
import { LogShipperChart } from './log-shipper';
import { NightlyExportChart } from './nightly-export-job';
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
];
