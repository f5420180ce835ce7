/**
 * `cdk8s-sidecars explain`: the lifecycle model (src/lifecycle/plan.ts) of every workload in the
 * input, as text, JSON or Mermaid. The same plan the rules read; nothing is re-derived here.
 */
import { DeclaredStops, readDeclaredStops } from '../lifecycle/declared-stops';
import { HelperVerdict } from '../lifecycle/long-running';
import { LifecyclePlan, planLifecycle } from '../lifecycle/plan';
import { containerList, locatePodSpec, specAsValidated } from '../lifecycle/pod-spec';
import { KubeVersion } from '../version';
import { documentObjects, parseDocuments } from './documents';
import { CliIo } from './io';
import { DocumentLocator } from './locate';
import { InputRef, readInput } from './sources';

/** A long-running regular container of a pod that runs to completion, and what becomes of it. */
export interface BlockingHelper {
  readonly name: string;
  readonly image?: string;
  /** The catalogue product and role, when the image is a known helper. */
  readonly product?: string;
  readonly role?: string;
  /** Why it runs forever, as the end of a sentence about it. */
  readonly reason: string;
  /** `strong` (it never exits) or `weak` (it probably never exits). */
  readonly evidence: 'strong' | 'weak';
  /** How a main container stops it, for helpers stopped by a workaround. */
  readonly stoppedBy?: string;
  /** The stop runs only when the main command succeeds. */
  readonly stopConditional?: boolean;
  /** Why an attempt to stop it does nothing. */
  readonly stopFails?: string;
}

/** One workload and its lifecycle. */
export interface WorkloadLifecycle {
  readonly file: string;
  /** 1-based line where the object starts. */
  readonly line: number;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** Job and CronJob pods run to completion. */
  readonly runsToCompletion: boolean;
  /** Stop times declared in the manifest's annotations. */
  readonly declared: DeclaredStops;
  readonly plan: LifecyclePlan;
  /** For pods that run to completion: the containers that keep them running (strong evidence). */
  readonly blockingHelpers: BlockingHelper[];
  /** For pods that run to completion: containers that probably keep them running (weak evidence). */
  readonly possibleBlockers: BlockingHelper[];
  /** For pods that run to completion: long-running helpers that a workaround in the main containers stops. */
  readonly stoppedHelpers: BlockingHelper[];
  /**
   * Paths (`containers[1]`) of the containers with a postStart hook: a container counts as
   * started only once its hook has returned, and a regular container's hook holds back the next.
   */
  readonly postStartPaths: ReadonlySet<string>;
}

/** The lifecycle of every workload in the inputs, in file and document order. */
export async function explainInputs(inputs: readonly InputRef[], version: KubeVersion, io: CliIo): Promise<WorkloadLifecycle[]> {
  const workloads: WorkloadLifecycle[] = [];
  for (const input of inputs) {
    const source = await readInput(input, io);
    for (const document of parseDocuments(source)) {
      const objects = documentObjects(document);
      let itemLines: number[] | undefined;
      for (let index = 0; index < objects.length; index++) {
        const object = objects[index];
        const located = locatePodSpec(object.value);
        if (!located) continue;
        const manifest = object.value;
        const declared = readDeclaredStops(manifest);
        // What the target version runs: before 1.29 would-be sidecars are plain init containers.
        const spec = specAsValidated(located.spec, version);
        const plan = planLifecycle(spec, version, {
          drainSeconds: declared.drainSeconds,
          appStopSeconds: declared.appStopSeconds,
          runsToCompletion: located.runsToCompletion,
          sourceSpec: located.spec,
        });
        const metadata = manifest.metadata;
        const namespace = typeof metadata?.namespace === 'string' ? metadata.namespace : undefined;
        let line = document.line;
        if (object.itemPath.length > 0) {
          // Every item of a List is placed in one pass over the document, not one search per item.
          itemLines ??= new DocumentLocator(document).locateAll(objects.map(other => other.itemPath)).map(position => position.line);
          line = itemLines[index];
        }
        workloads.push({
          file: document.file,
          line,
          kind: manifest.kind,
          name: typeof metadata?.name === 'string' && metadata.name ? metadata.name : '<unnamed>',
          ...(namespace !== undefined ? { namespace } : {}),
          runsToCompletion: located.runsToCompletion,
          declared,
          plan,
          blockingHelpers: plan.completion.blockers.map(describeHelper),
          possibleBlockers: plan.completion.possibleBlockers.map(describeHelper),
          stoppedHelpers: plan.completion.stopped.map(describeHelper),
          postStartPaths: postStartPaths(spec),
        });
      }
    }
  }
  return workloads;
}

function describeHelper(verdict: HelperVerdict): BlockingHelper {
  const { evidence } = verdict;
  return {
    name: verdict.name,
    ...(verdict.image !== undefined ? { image: verdict.image } : {}),
    ...(evidence.helper !== undefined ? { product: evidence.helper.product, role: evidence.helper.role } : {}),
    reason: evidence.reason,
    evidence: evidence.strength,
    ...(verdict.stoppedBy !== undefined ? { stoppedBy: verdict.stoppedBy } : {}),
    ...(verdict.stopConditional ? { stopConditional: true } : {}),
    ...(verdict.stopFails !== undefined ? { stopFails: verdict.stopFails } : {}),
  };
}

function postStartPaths(spec: any): Set<string> {
  const paths = new Set<string>();
  for (const list of ['initContainers', 'containers'] as const) {
    containerList(spec, list).forEach((container, i) => {
      const postStart = container?.lifecycle?.postStart;
      if (postStart !== undefined && postStart !== null) paths.add(`${list}[${i}]`);
    });
  }
  return paths;
}
