import { isDeepStrictEqual } from 'util';
import { isMap, isScalar, Node, parse, parseDocument, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { argvOf, hasFlag } from './known';
import { hasStartupGate, hasStartupProbe, MigrationSettings, NativeSidecar, PodTarget, quoted, Recorder } from './model';
import { mapAt, plain, seqAt, stringScalars } from './nodes';
import { initNeed } from './placement';
import { mentionsQuit, onlyQuitCalls, QuitCall, recogniseQuitCall, trailingQuit } from './quit-calls';
import { tokenizeShell } from './shell';
import { basename } from './sidecars';
import { pushAll } from '../arrays';
import { commandTexts } from '../lifecycle/sidecar-needs';

/**
 * The legacy workarounds native sidecars make redundant. Each is removed only in the exact forms
 * documented on its function, and only when the pod has the native sidecar it worked around;
 * every other occurrence becomes a concern for a person to check.
 */
export function removeWorkarounds(target: PodTarget, natives: NativeSidecar[], settings: MigrationSettings, record: Recorder): void {
  removeHoldAnnotation(target, natives, record);
  reportInjectionStatus(target, natives, record);
  const removedCalls: QuitCall[] = [];
  removeTrailingQuits(target, natives, record, removedCalls);
  removePreStopQuits(target, natives, record, removedCalls);
  unwrapLinkerdAwait(target, natives, record);
  reportWaitLoops(target, natives, record);
  reportSentinelFiles(target, natives, record);
  reportMovedSidecars(target, natives, settings, record);
  reportExitCodeRules(target, natives, record);
  if (removedCalls.some(call => call.kills) && target.spec.get('shareProcessNamespace') === true) {
    record.concern(target.spec.get('shareProcessNamespace', true) as Scalar, 'shareProcessNamespace: true was probably there so the main container could kill the sidecar, which it no longer does; remove it unless something else needs to see other containers\' processes',
      `${target.specPath}.shareProcessNamespace`);
  }
}

const ISTIO_CONFIG = 'proxy.istio.io/config';
const HOLD = 'holdApplicationUntilProxyStarts';

/**
 * Istio's `holdApplicationUntilProxyStarts: true` in the pod's `proxy.istio.io/config`
 * annotation: removed when the pod has a native `istio-proxy` with a startupProbe (Istio's
 * template ignores the setting in native mode) and the annotation is YAML or JSON this can
 * rewrite with only that key gone (checked by re-parsing). The annotation goes when nothing else
 * is left in it.
 */
function removeHoldAnnotation(target: PodTarget, natives: NativeSidecar[], record: Recorder): void {
  const annotations = mapAt(target.metadata, 'annotations');
  const node = annotations?.get(ISTIO_CONFIG, true);
  if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes(HOLD)) return;
  const path = `${annotationsPath(target)}.${ISTIO_CONFIG}`;
  const text = node.value;
  const inner = parseDocument(text);
  const hold = isMap(inner.contents) ? inner.contents.get(HOLD, true) : undefined;
  if (inner.errors.length > 0 || inner.warnings.length > 0 || !isMap(inner.contents) || !isScalar(hold)) {
    record.concern(node, `the ${ISTIO_CONFIG} annotation mentions ${HOLD} but is not a YAML map this migration can rewrite; remove ${HOLD} by hand (native sidecars make it redundant)`, path);
    return;
  }
  const holdValue: unknown = (hold as Scalar).value;
  if (holdValue === false) return;
  if (holdValue !== true) {
    record.concern(node, `${HOLD} in the ${ISTIO_CONFIG} annotation is ${JSON.stringify(holdValue)}, not the boolean true; check what it means and remove it by hand`, path);
    return;
  }
  const proxy = natives.find(sidecar => sidecar.facts.product === 'istio-proxy');
  if (proxy === undefined || !hasStartupProbe(proxy.node)) {
    const why = proxy === undefined
      ? 'this manifest has no native istio-proxy (the injector adds it at admission?); it stays needed until Istio injects native sidecars (ENABLE_NATIVE_SIDECARS, the sidecar.istio.io/nativeSidecar annotation, or "auto" on 1.27+ with every node at 1.33+), which ignore it'
      : `the native ${quoted(proxy.name, 'istio-proxy')} has no startupProbe, so nothing else holds the app back; add the probe (httpGet /healthz/ready on 15021), then remove it`;
    record.concern(node, `${HOLD}: true in the ${ISTIO_CONFIG} annotation was kept: ${why}`, path);
    return;
  }
  const before = inner.toJS();
  inner.contents.delete(HOLD);
  if (inner.contents.items.length === 0) {
    annotations!.delete(ISTIO_CONFIG);
    if (annotations!.items.length === 0) target.metadata!.delete('annotations');
    record.change(node, `removed the ${ISTIO_CONFIG} annotation, which only set ${HOLD}: true: with istio-proxy a native sidecar its startupProbe holds the app back (Istio ignores the setting in native mode)`);
    return;
  }
  let rewritten = inner.toString({ lineWidth: 0, flowCollectionPadding: /[[{] /.test(text) });
  if (!text.endsWith('\n')) rewritten = rewritten.replace(/\n$/, '');
  const expected = { ...before };
  delete expected[HOLD];
  if (!isDeepStrictEqual(parse(rewritten), expected)) {
    record.concern(node, `the ${ISTIO_CONFIG} annotation sets ${HOLD}: true, which native sidecars make redundant, but could not be rewritten without it safely; remove the key by hand`, path);
    return;
  }
  node.value = rewritten;
  record.change(node, `removed ${HOLD}: true from the ${ISTIO_CONFIG} annotation (the rest is kept): with istio-proxy a native sidecar its startupProbe holds the app back (Istio ignores the setting in native mode)`);
}

/** `sidecar.istio.io/status` still lists a moved proxy under containers: istioctl and the injector read it. */
function reportInjectionStatus(target: PodTarget, natives: NativeSidecar[], record: Recorder): void {
  const annotations = mapAt(target.metadata, 'annotations');
  const node = annotations?.get('sidecar.istio.io/status', true);
  if (!isScalar(node) || typeof node.value !== 'string') return;
  let status: any;
  try {
    status = JSON.parse(node.value);
  } catch {
    return;
  }
  const listed: unknown = status?.containers;
  const stale = natives.filter(sidecar => sidecar.moved && Array.isArray(listed) && listed.includes(sidecar.name));
  if (stale.length === 0) return;
  record.concern(node, `the sidecar.istio.io/status annotation still lists ${stale.map(sidecar => quoted(sidecar.name, '')).join(', ')} under containers; istioctl uninject and re-injection read it, so re-inject with native sidecars on (sidecar.istio.io/nativeSidecar: "true") or update it by hand`,
    `${annotationsPath(target)}.sidecar.istio.io/status`);
}

/**
 * A recognised quit call (see `quit-calls.ts`) appended with `;`, `&&` or a newline as the last
 * command of a regular container's `sh -c` script: cut out. Any other mention of quitting a
 * sidecar in a regular container's command or args: a concern.
 */
function removeTrailingQuits(target: PodTarget, natives: NativeSidecar[], record: Recorder, removed: QuitCall[]): void {
  forEachRegular(target, (container, index) => {
    const path = `${target.specPath}.containers[${index}]`;
    const script = shellScriptOf(container);
    if (script === undefined) {
      const text = argvOf(plain(target.doc, container)).join(' ');
      if (mentionsQuit(text, natives)) {
        record.concern(container, `container ${nameOf(container, path)} stops a sidecar in its command, but not as a "sh -c" script with a trailing call this migration recognises; native sidecars are stopped after the main containers exit, so remove the call by hand`, path);
      }
      return;
    }
    const found = trailingQuit(script.value, natives);
    if (found === undefined) return;
    if (!found.removable) {
      record.concern(script, `container ${nameOf(container, path)} still stops a sidecar in its command (${found.reason}); native sidecars are stopped after the main containers exit, so remove the call by hand`, path);
      return;
    }
    script.value = found.script;
    removed.push(found.call);
    record.change(script, `removed "${found.call.text}" from the end of container ${nameOf(container, path)}'s command: ${quoted(found.call.sidecar.name, 'the sidecar')} is a native sidecar and stops by itself after the main containers exit; the script's exit status is now that of "${found.before}"`);
    if (mentionsQuit(found.script, natives)) {
      record.concern(script, `container ${nameOf(container, path)}'s command still mentions stopping a sidecar elsewhere in its script; check it by hand`, path);
    }
  });
}

/**
 * A preStop hook that does nothing but recognised quit calls (as an exec command or a `sh -c`
 * script of only such calls), or an httpGet on a native sidecar's quit endpoint: removed, and
 * `lifecycle` with it when empty. Other preStop hooks that mention quitting: a concern.
 */
function removePreStopQuits(target: PodTarget, natives: NativeSidecar[], record: Recorder, removed: QuitCall[]): void {
  const visit = (container: YAMLMap, path: string) => {
    const lifecycle = mapAt(container, 'lifecycle');
    const preStop = mapAt(lifecycle, 'preStop');
    if (lifecycle === undefined || preStop === undefined) return;
    const calls = preStopQuitCalls(target, preStop, natives);
    if (calls === undefined) {
      const text = JSON.stringify(plain(target.doc, preStop));
      if (mentionsQuit(text, natives)) {
        record.concern(preStop, `the preStop hook of ${nameOf(container, path)} stops a sidecar but also does other things; native sidecars are stopped after the main containers exit, so remove the stop call by hand`, `${path}.lifecycle.preStop`);
      }
      return;
    }
    lifecycle.delete('preStop');
    if (lifecycle.items.length === 0) container.delete('lifecycle');
    pushAll(removed, calls);
    const targets = [...new Set(calls.map(call => quoted(call.sidecar.name, 'the sidecar')))].join(', ');
    record.change(preStop, `removed the preStop hook of ${nameOf(container, path)}, which only stopped ${targets}: native sidecars get SIGTERM after the main containers exit, and a stop at the start of termination would cut them off early`);
  };
  forEachRegular(target, (container, index) => visit(container, `${target.specPath}.containers[${index}]`));
  seqAt(target.spec, 'initContainers')?.items.forEach((item, index) => {
    if (isMap(item)) visit(item, `${target.specPath}.initContainers[${index}]`);
  });
}

function preStopQuitCalls(target: PodTarget, preStop: YAMLMap, natives: NativeSidecar[]): QuitCall[] | undefined {
  if (preStop.items.length !== 1) return undefined;
  const httpGet = plain(target.doc, preStop.get('httpGet', true));
  if (httpGet !== undefined) {
    const quits = (endpoint: { port: number; path: string }) => endpoint.port === httpGet.port && endpoint.path === httpGet.path;
    const sidecar = natives.find(candidate => candidate.facts.quitEndpoints.some(quits));
    return sidecar && httpGet.host === undefined ? [{ sidecar, text: `httpGet ${httpGet.path} on port ${httpGet.port}`, kills: false }] : undefined;
  }
  const command = seqAt(mapAt(preStop, 'exec'), 'command');
  const scalars = stringScalars(command);
  if (command === undefined || scalars === undefined || scalars.length === 0) return undefined;
  const script = shellScriptIn(scalars);
  if (script !== undefined) return onlyQuitCalls(script.value, natives);
  const words = tokenizeShell(scalars.map(scalar => shellQuote(scalar.value)).join(' '));
  const call = words && recogniseQuitCall(words, natives);
  return call ? [call] : undefined;
}

const LINKERD_AWAIT_FLAGS = new Set(['-S', '--shutdown', '-v', '--verbose']);
const LINKERD_AWAIT_VALUES = new Set(['-t', '--timeout', '-b', '--backoff', '-p', '--port', '-U', '--uri']);

/**
 * `linkerd-await [--shutdown|-S] [--timeout|-t|--backoff|-b|--port|-p|--uri|-U VALUE | --opt=VALUE]... -- CMD [ARGS...]`
 * at the start of a regular container's command (and args): unwrapped to `CMD ARGS...` when the
 * pod has a native Linkerd proxy that gates startup (startupProbe or postStart). The `--` is
 * required; any other flag, or linkerd-await inside a shell script, is a concern.
 */
function unwrapLinkerdAwait(target: PodTarget, natives: NativeSidecar[], record: Recorder): void {
  forEachRegular(target, (container, index) => {
    const path = `${target.specPath}.containers[${index}]`;
    const commandSeq = seqAt(container, 'command');
    const argsSeq = seqAt(container, 'args');
    const command = stringScalars(commandSeq);
    const args = stringScalars(argsSeq);
    const texts = argvOf(plain(target.doc, container));
    if (!texts.some(text => /\blinkerd-await\b/.test(text))) return;
    const argv = [...(command ?? []), ...(args ?? [])].map(scalar => scalar.value);
    const wrapper = commandSeq !== undefined && command !== undefined && args !== undefined && basename(argv[0]) === 'linkerd-await' ? awaitPrefixLength(argv) : undefined;
    const proxy = natives.find(sidecar => sidecar.facts.product === 'linkerd-proxy');
    if (wrapper === undefined || proxy === undefined || !hasStartupGate(proxy.node)) {
      const why = wrapper === undefined
        ? 'not in the exact "linkerd-await [flags] -- command" form this migration unwraps'
        : proxy === undefined
          ? 'this manifest has no native Linkerd proxy (the injector adds it at admission?); it stays needed until Linkerd injects native sidecars'
          : `the native ${quoted(proxy.name, 'linkerd-proxy')} has no startupProbe, so nothing else holds the app back`;
      record.concern(container, `container ${nameOf(container, path)} runs linkerd-await, which was kept: ${why}; remove it by hand once the proxy is a native sidecar with a startupProbe`, path);
      return;
    }
    const commandLength = command!.length;
    const rest = argv.slice(wrapper);
    if (wrapper < commandLength) {
      commandSeq!.items.splice(0, wrapper);
    } else {
      // The wrapper takes all of command: the program now comes from args.
      const remaining = argsSeq!.items.slice(wrapper - commandLength);
      commandSeq!.items = remaining;
      container.delete('args');
    }
    record.change(container, `unwrapped container ${nameOf(container, path)}'s command from "${argv.slice(0, wrapper).join(' ')}" to "${rest.join(' ')}": ${quoted(proxy.name, 'linkerd-proxy')} is a native sidecar that starts (and is ready) before it and stops after it`);
  });
}

/** The number of argv entries `linkerd-await ... --` takes, or `undefined` for another form. */
function awaitPrefixLength(argv: string[]): number | undefined {
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') return i + 1 < argv.length ? i + 1 : undefined;
    if (LINKERD_AWAIT_FLAGS.has(arg)) continue;
    if (LINKERD_AWAIT_VALUES.has(arg)) {
      i++;
      continue;
    }
    if ([...LINKERD_AWAIT_VALUES].some(option => option.startsWith('--') && arg.startsWith(`${option}=`))) continue;
    return undefined;
  }
  return undefined;
}

const WAIT_LOOP = /\b(?:until|while)\b|\bwait(?:-for)?\b|\bsleep\b|\bretry\b/;

/**
 * Wait-for-proxy loops are only reported: a plain init container that waits for a native sidecar,
 * and a regular container whose script starts with a loop on a sidecar's port.
 */
function reportWaitLoops(target: PodTarget, natives: NativeSidecar[], record: Recorder): void {
  const inits = seqAt(target.spec, 'initContainers')?.items ?? [];
  inits.forEach((item, index) => {
    if (!isMap(item) || item.get('restartPolicy') === 'Always') return;
    const init = plain(target.doc, item);
    const text = commandTexts(init).map(([, value]) => value).join('\n');
    for (const sidecar of natives) {
      const need = initNeed(init, { facts: sidecar.facts, ...(sidecar.name !== undefined ? { name: sidecar.name } : {}) });
      if (need === undefined || (!WAIT_LOOP.test(text) && need.startsWith('connects'))) continue;
      const sidecarIndex = inits.indexOf(sidecar.node);
      const path = `${target.specPath}.initContainers[${index}]`;
      const verdict = sidecarIndex < index
        ? hasStartupGate(sidecar.node)
          ? `it now runs after that sidecar has started${hasStartupProbe(sidecar.node) ? ' (startupProbe passed)' : ''}, so the wait ends at once; delete it by hand when nothing else relies on it`
          : 'it now runs after that sidecar starts, but the sidecar has no startupProbe, so keep it or add the probe'
        : 'but runs before that sidecar, so the wait can never end; move the sidecar before it or delete it';
      record.concern(item, `init container ${nameOf(item, path)} waits for sidecar ${quoted(sidecar.name, 'the sidecar')} (it ${need}): ${verdict}`, path);
    }
  });
  forEachRegular(target, (container, index) => {
    const script = shellScriptOf(container);
    if (script === undefined || !/^\s*(?:until|while)\b/.test(script.value)) return;
    const firstLine = script.value.split(/;\s*do\b|\n/)[0];
    const sidecar = natives.find(candidate => initNeed({ command: [firstLine] }, { facts: candidate.facts }) !== undefined);
    if (sidecar === undefined) return;
    const path = `${target.specPath}.containers[${index}]`;
    const verdict = hasStartupProbe(sidecar.node)
      ? 'the native sidecar\'s startupProbe already holds this container back until it serves, so the loop ends at once; remove it by hand'
      : 'keep it until the sidecar has a startupProbe, then remove it';
    record.concern(script, `container ${nameOf(container, path)} starts by waiting for ${quoted(sidecar.name, 'a sidecar')}: ${verdict}`, path);
  });
}

const FILE_WAIT = /\b(?:while|until)\b[^;\n]*?(?:\[\[?|\btest)\s+(!\s+)?-[ef]\s+["']?([^\s"'\]]+)/g;
const TOUCH = /\btouch\s+["']?([^\s"';&|]+)/g;

/** Sentinel-file shutdown signalling (an app `touch`es a file, the helper loops until it exists): reported only. */
function reportSentinelFiles(target: PodTarget, natives: NativeSidecar[], record: Recorder): void {
  const waited = new Map<string, NativeSidecar>();
  for (const sidecar of natives) {
    const text = argvOf(plain(target.doc, sidecar.node)).join('\n');
    for (const match of text.matchAll(FILE_WAIT)) {
      const file = match[2];
      if (waited.has(file)) continue;
      waited.set(file, sidecar);
      const index = seqAt(target.spec, 'initContainers')!.items.indexOf(sidecar.node);
      record.concern(sidecar.node, `sidecar ${quoted(sidecar.name, 'the sidecar')} loops on the file ${file} to know when to exit (sentinel-file shutdown): as a native sidecar it gets SIGTERM after the main containers exit, so the loop and the file are redundant; remove them by hand, and make sure the helper flushes on SIGTERM (a shell as PID 1 ignores SIGTERM unless it traps it)`,
        `${target.specPath}.initContainers[${index}]`);
    }
  }
  forEachRegular(target, (container, index) => {
    const text = argvOf(plain(target.doc, container)).join('\n');
    for (const match of text.matchAll(TOUCH)) {
      const sidecar = waited.get(match[1]);
      const mentioned = sidecar ?? natives.find(candidate => argvOf(plain(target.doc, candidate.node)).join('\n').includes(match[1]));
      if (mentioned === undefined) continue;
      const path = `${target.specPath}.containers[${index}]`;
      record.concern(container, `container ${nameOf(container, path)} touches ${match[1]} to tell sidecar ${quoted(mentioned.name, 'the sidecar')} to exit: redundant with native sidecars; remove it together with the sidecar's wait loop`, path);
    }
  });
}

/** What stays on a moved sidecar that a person should look at. */
function reportMovedSidecars(target: PodTarget, natives: NativeSidecar[], settings: MigrationSettings, record: Recorder): void {
  const inits = seqAt(target.spec, 'initContainers')?.items ?? [];
  for (const sidecar of natives) {
    if (!sidecar.moved) continue;
    const path = `${target.specPath}.initContainers[${inits.indexOf(sidecar.node)}]`;
    const name = quoted(sidecar.name, 'the moved sidecar');
    const readiness = sidecar.node.get('readinessProbe', true);
    if (readiness !== undefined) {
      record.concern(readiness as Node, `sidecar ${name} kept its readinessProbe: a sidecar's readiness still counts toward the pod's Ready condition (a helper blip takes the pod out of Service endpoints) and does not hold back later containers (the startupProbe does); remove it unless traffic must stop while the helper is unready [SC208]`,
        `${path}.readinessProbe`);
    }
    const preStop = mapAt(mapAt(sidecar.node, 'lifecycle'), 'preStop');
    if (preStop !== undefined) {
      record.concern(preStop, `sidecar ${name} has a preStop hook, which now runs at the start of pod termination, concurrently with the app's, not after the app has exited (the sidecar gets SIGTERM only then); remove it unless it must run that early [SC209]`,
        `${path}.lifecycle.preStop`);
    }
    const container = plain(target.doc, sidecar.node);
    for (const variable of Array.isArray(container.env) ? container.env : []) {
      if (sidecar.facts.product === 'istio-proxy' && ['EXIT_ON_ZERO_ACTIVE_CONNECTIONS', 'MINIMUM_DRAIN_DURATION'].includes(variable?.name)) {
        record.concern(sidecar.node, `sidecar ${name} sets ${variable.name}, a legacy drain workaround that native mode bypasses (the proxy drains on preStop and exits on SIGTERM after the app); remove it`, `${path}.env`);
      }
    }
    if (['cloud-sql-proxy', 'alloydb-auth-proxy'].includes(sidecar.facts.product ?? '') && hasFlag(argvOf(container), 'quitquitquit')) {
      record.concern(sidecar.node, `sidecar ${name} still runs with --quitquitquit, whose endpoint only served to stop it from the main container; remove the flag (and --admin-port) unless something else calls it`, `${path}.args`);
    }
    const named = (Array.isArray(container.ports) ? container.ports : []).filter((port: any) => typeof port?.name === 'string');
    if (named.length > 0 && settings.version.major === 1 && settings.version.minor < 32) {
      record.concern(sidecar.node, `sidecar ${name} declares named ports (${named.map((port: any) => port.name).join(', ')}); Services that target them by name resolve to sidecar ports only from Kubernetes 1.32, and the target is ${settings.version.text}`, `${path}.ports`);
    }
  }
}

/**
 * A Job's podFailurePolicy `onExitCodes` rule without `containerName` also matches the exit codes
 * of init containers, sidecars included, and a sidecar stopped at the end exits 143 or 137.
 */
function reportExitCodeRules(target: PodTarget, natives: NativeSidecar[], record: Recorder): void {
  if (!natives.some(sidecar => sidecar.moved)) return;
  const rules = seqAt(mapAt(target.jobSpec, 'podFailurePolicy'), 'rules');
  rules?.items.forEach((rule, index) => {
    const onExitCodes = mapAt(rule, 'onExitCodes');
    if (onExitCodes === undefined || onExitCodes.has('containerName')) return;
    record.concern(onExitCodes, `podFailurePolicy.rules[${index}].onExitCodes has no containerName, so it also matches the exit codes of the new native sidecars (they often exit 143 when stopped after the main containers); add containerName for the main container`,
      `${target.jobSpecPath}.podFailurePolicy.rules[${index}].onExitCodes`);
  });
}

/** The script scalar of a `sh -c SCRIPT` command (command and args together), or `undefined`. */
export function shellScriptOf(container: YAMLMap): Scalar<string> | undefined {
  const command = stringScalars(seqAt(container, 'command'));
  const args = stringScalars(seqAt(container, 'args'));
  if (!container.has('command') || command === undefined || args === undefined) return undefined;
  return shellScriptIn([...command, ...args]);
}

function shellScriptIn(argv: Scalar<string>[]): Scalar<string> | undefined {
  if (argv.length < 3) return undefined;
  if (!['sh', 'bash', 'ash', 'dash'].includes(basename(argv[0].value)) || !/^-[a-z]*c[a-z]*$/.test(argv[1].value)) return undefined;
  return argv[2];
}

function forEachRegular(target: PodTarget, visit: (container: YAMLMap, index: number) => void): void {
  const containers: YAMLSeq | undefined = seqAt(target.spec, 'containers');
  containers?.items.forEach((item, index) => {
    if (isMap(item)) visit(item, index);
  });
}

function nameOf(container: YAMLMap, path: string): string {
  const name = container.get('name');
  return typeof name === 'string' ? `"${name}"` : `at ${path}`;
}

function annotationsPath(target: PodTarget): string {
  const base = target.specPath.replace(/(^|\.)spec$/, '');
  return `${base ? `${base}.` : ''}metadata.annotations`;
}

/** Quote a word for the shell so an argv list can be lexed back as the same words. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, '\'\\\'\'')}'`;
}
