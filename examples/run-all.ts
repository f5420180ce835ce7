// `npm run example`: synthesize every example app to dist/examples/<name>/ and print, per
// workload, its containers in start order and its effective requests.
import * as path from 'path';
import { App, ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ISidecarWorkload } from '../src';
import { EXAMPLES } from './index';

const OUT_ROOT = path.join(__dirname, '..', 'dist', 'examples');

function isSidecarWorkload(construct: IConstruct): construct is IConstruct & ISidecarWorkload {
  return typeof (construct as any).describeLifecycle === 'function';
}

function formatResources(resources: { [name: string]: string }): string {
  const entries = Object.entries(resources);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k} ${v}`).join(', ');
}

function main(): number {
  let failures = 0;
  for (const example of EXAMPLES) {
    const outdir = path.join(OUT_ROOT, example.name);
    const app = new App({ outdir });
    const chart = new example.chart(app, example.name);
    try {
      app.synth();
    } catch (error) {
      failures++;
      console.error(`${example.name}: synth failed\n${(error as Error).message}`);
      continue;
    }
    console.log(`${example.name} -> ${path.relative(process.cwd(), outdir)}/`);
    for (const workload of chart.node.findAll().filter(isSidecarWorkload)) {
      const summary = workload.describeLifecycle();
      const apiObject = workload.node.children.find(c => c instanceof ApiObject) as ApiObject | undefined;
      console.log(`  ${apiObject?.kind ?? 'Workload'} ${apiObject?.name ?? workload.node.id}`);
      console.log(`    start order:        ${summary.startupOrder.join(' -> ')}`);
      console.log(`    effective requests: ${formatResources(summary.effectiveRequests)}`);
      console.log(`    effective limits:   ${formatResources(summary.effectiveLimits)}`);
      console.log(`    grace period:       ${summary.terminationGracePeriodSeconds}s (stop order: ${summary.shutdownOrder.join(' -> ')})`);
    }
  }
  if (failures > 0) console.error(`${failures} example(s) failed`);
  return failures > 0 ? 1 : 0;
}

process.exitCode = main();
