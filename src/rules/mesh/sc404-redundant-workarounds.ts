import { LINKERD_AWAIT_ANNOTATION, ISTIO_PROXY_CONFIG_ANNOTATION } from '../../mesh/facts';
import { containerEntries, ContainerEntry, INIT_THEN_APP } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { annotationPath, isMeshContainer, PodMesh, PodMetadata, podMeshes, podMetadata } from './_mesh';

/** `holdApplicationUntilProxyStarts: true` in YAML or JSON ProxyConfig. */
const HOLD_APPLICATION = /"?holdApplicationUntilProxyStarts"?\s*:\s*"?true\b/i;
/** Istio's Job workaround: POST to the agent's or Envoy's quitquitquit endpoint. */
const ISTIO_QUIT = /(localhost|127\.0\.0\.1|\[::1\]):(15020|15000)\/quitquitquit/;
/** Linkerd's Job workaround: the shutdown endpoint on the admin port. */
const LINKERD_SHUTDOWN = /(localhost|127\.0\.0\.1|\[::1\]):4191\/shutdown/;
/** Linkerd's await wrapper, also used with --shutdown for Jobs. */
const LINKERD_AWAIT = /(^|\/)linkerd-await$/;

const LINKERD_WAIT_BEFORE_EXIT = 'config.alpha.linkerd.io/proxy-wait-before-exit-seconds';
const LINKERD_ADMIN_SHUTDOWN = 'config.linkerd.io/proxy-admin-shutdown';

/**
 * SC404: start and stop workarounds from before native sidecars, on a pod whose proxy is a native
 * sidecar. They are ignored or unnecessary (advice), except Linkerd's `proxy-await: disabled`,
 * which in native mode removes the proxy's startup probe (a warning).
 */
export const redundantWorkaroundsRule: Rule = {
  id: 'SC404',
  severity: Severity.INFO,
  title: 'a pod with a native mesh proxy keeps a pre-native workaround: Istio holdApplicationUntilProxyStarts or a quitquitquit call, Linkerd linkerd-await, the shutdown endpoint, wait-before-exit-seconds, or proxy-await disabled',
  why: 'a native proxy starts before the app (its startup probe holds the app back) and is stopped after the app exits, also in Jobs; holdApplicationUntilProxyStarts is ignored in native mode, quitquitquit and /shutdown calls and linkerd-await wrappers are unnecessary, a wait-before-exit preStop runs at termination start; Linkerd\'s proxy-await: disabled is worse than redundant, because in native mode it removes the startup probe and with it the guarantee that the app starts after the proxy (a warning)',
  fix: 'remove the workaround: the native sidecar lifecycle does the job; keep Linkerd\'s proxy-await at its default (enabled)',
  source: 'Istio injection template and native-sidecar release notes; Linkerd native sidecar PR #11465 (research/mesh-and-presets.md §1.7, §2.4, §2.6)',
  check(context: RuleContext): Finding[] {
    const metadata = podMetadata(context);
    const findings: Finding[] = [];
    for (const mesh of podMeshes(context)) {
      if (!mesh.native) continue;
      findings.push(...(mesh.facts.id === 'istio' ? istioFindings(context, mesh, metadata) : linkerdFindings(context, mesh, metadata)));
    }
    return findings;
  },
};

function istioFindings(context: RuleContext, mesh: PodMesh, metadata: PodMetadata): Finding[] {
  const findings: Finding[] = [];
  const config = metadata.annotations[ISTIO_PROXY_CONFIG_ANNOTATION];
  if (typeof config === 'string' && HOLD_APPLICATION.test(config)) {
    findings.push({
      objectPath: annotationPath(metadata, ISTIO_PROXY_CONFIG_ANNOTATION),
      message: `the ${ISTIO_PROXY_CONFIG_ANNOTATION} annotation sets holdApplicationUntilProxyStarts, which a native istio-proxy ignores: its startup probe already holds back every container after it`,
      fix: `remove holdApplicationUntilProxyStarts from the ${ISTIO_PROXY_CONFIG_ANNOTATION} annotation`,
    });
  }
  for (const entry of others(context, mesh)) {
    const call = findText(entry.container, ISTIO_QUIT);
    if (call === undefined) continue;
    findings.push({
      path: `${entry.path}.${call.field}`,
      message: `${entry.label} calls ${call.text} to stop the proxy, which a native istio-proxy does not need: it is stopped after the main containers exit, and a Job completes without it`,
      fix: `remove the quitquitquit call from ${entry.label}`,
    });
  }
  return findings;
}

function linkerdFindings(context: RuleContext, mesh: PodMesh, metadata: PodMetadata): Finding[] {
  const findings: Finding[] = [];
  const annotations = metadata.annotations;
  if (annotations[LINKERD_AWAIT_ANNOTATION] === 'disabled') {
    findings.push({
      objectPath: annotationPath(metadata, LINKERD_AWAIT_ANNOTATION),
      message: `the ${LINKERD_AWAIT_ANNOTATION} annotation is disabled: for a native linkerd-proxy this removes its startup probe, so the containers after it may start before the proxy is ready and their first connections fail`,
      fix: `remove the ${LINKERD_AWAIT_ANNOTATION} annotation (the default, enabled, gives the native proxy its startup probe)`,
      severity: Severity.WARNING,
    });
  }
  if (annotations[LINKERD_WAIT_BEFORE_EXIT] !== undefined) {
    findings.push({
      objectPath: annotationPath(metadata, LINKERD_WAIT_BEFORE_EXIT),
      message: `the ${LINKERD_WAIT_BEFORE_EXIT} annotation adds a preStop sleep to the proxy, which for a native sidecar runs at the start of termination, not after the app; the native proxy is stopped after the app anyway`,
      fix: `remove the ${LINKERD_WAIT_BEFORE_EXIT} annotation`,
    });
  }
  if (annotations[LINKERD_ADMIN_SHUTDOWN] === 'enabled') {
    findings.push({
      objectPath: annotationPath(metadata, LINKERD_ADMIN_SHUTDOWN),
      message: `the ${LINKERD_ADMIN_SHUTDOWN} annotation enables the proxy's shutdown endpoint for Jobs, which a native linkerd-proxy does not need: it is stopped after the main containers exit`,
      fix: `remove the ${LINKERD_ADMIN_SHUTDOWN} annotation`,
    });
  }
  for (const entry of others(context, mesh)) {
    const wrapper = findWord(entry.container, LINKERD_AWAIT);
    const call = wrapper ?? findText(entry.container, LINKERD_SHUTDOWN);
    if (call === undefined) continue;
    findings.push({
      path: `${entry.path}.${call.field}`,
      message: wrapper !== undefined
        ? `${entry.label} runs under linkerd-await, which a native linkerd-proxy does not need: its startup probe holds the container back, and it is stopped after the main containers exit`
        : `${entry.label} calls ${call.text} to stop the proxy, which a native linkerd-proxy does not need: it is stopped after the main containers exit, and a Job completes without it`,
      fix: wrapper !== undefined ? `run ${entry.label}'s program directly, without linkerd-await` : `remove the shutdown call from ${entry.label}`,
    });
  }
  return findings;
}

/** The containers that are not the mesh's own. */
function others(context: RuleContext, mesh: PodMesh): ContainerEntry[] {
  return containerEntries(context.spec, INIT_THEN_APP).filter(entry => !isMeshContainer(entry, mesh));
}

interface FoundText {
  /** `command[2]`, `args[0]`. */
  readonly field: string;
  readonly text: string;
}

function findText(container: Record<string, any>, pattern: RegExp): FoundText | undefined {
  for (const field of ['command', 'args']) {
    const list = container[field];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const match = typeof list[i] === 'string' ? pattern.exec(list[i]) : null;
      if (match) return { field: `${field}[${i}]`, text: match[0] };
    }
  }
  return undefined;
}

function findWord(container: Record<string, any>, pattern: RegExp): FoundText | undefined {
  for (const field of ['command', 'args']) {
    const list = container[field];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const word = list[i];
      if (typeof word === 'string' && word.split(/\s+/).some(part => pattern.test(part))) return { field: `${field}[${i}]`, text: 'linkerd-await' };
    }
  }
  return undefined;
}
