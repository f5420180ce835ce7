// SC205 on helpers recognised by what they do, and on the workarounds that stop them (issue 19, item 2).
import { jobHelperRule } from '../../../src/rules/lifecycle';
import { found, run } from '../_builders';

function job(spec: any): any {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'report' }, spec: { template: { spec: { restartPolicy: 'Never', ...spec } } } };
}

const SHARED = [{ name: 'logs', emptyDir: {} }];
const WORK = { name: 'work', image: 'busybox:1.36', command: ['sh', '-c', 'date > /var/log/app/out.log'], volumeMounts: [{ name: 'logs', mountPath: '/var/log/app' }] };
const ISTIO = { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.22.3' };

describe('SC205 recognises long-running helpers by what their command does', () => {
  test.each([
    ['tail -F in sh -c', ['sh', '-c', 'tail -F /var/log/app/out.log'], 'runs "tail -F /var/log/app/out.log", which follows the file and never exits'],
    ['tail -n0 -f as argv', ['tail', '-n0', '-f', '/var/log/app/out.log'], 'follows the file and never exits'],
    ['sleep infinity', ['sleep', 'infinity'], 'runs "sleep infinity", which never exits'],
    ['a while true loop with no exit', ['/bin/sh', '-c', 'while true; do cp /var/log/app/out.log /backup/; sleep 5; done'], 'loops forever ("while true" with no exit or break)'],
    ['a while : loop after setup', ['sh', '-c', 'echo start\nwhile :\ndo\n  sleep 10\ndone'], 'loops forever'],
    ['a server in the foreground', ['redis-server', '--port', '6379'], 'the Redis server in the foreground'],
  ])('%s: an error naming the behaviour', (_what, command, reason) => {
    const manifest = job({ containers: [WORK, { name: 'helper', image: 'alpine:3.20', command }], volumes: SHARED });
    expect(found(jobHelperRule, manifest)).toEqual(['SC205 error spec.template.spec.containers[1]']);
    expect(run(jobHelperRule, manifest)[0].message).toContain(reason);
  });

  test.each([
    ['a loop that breaks', ['sh', '-c', 'i=0; while true; do i=$((i+1)); [ "$i" -gt 3 ] && break; sleep 1; done']],
    ['tail without follow', ['tail', '-n', '20', '/var/log/app/out.log']],
    ['tail -f that ends with a pid', ['tail', '-f', '--pid=1', '/x']],
    ['a plain sleep', ['sleep', '30']],
    ['a script that ends', ['sh', '-c', 'tar czf /backup/logs.tgz /var/log/app']],
  ])('%s is not long-running: nothing to report', (_what, command) => {
    expect(found(jobHelperRule, job({ containers: [WORK, { name: 'helper', image: 'alpine:3.20', command }] }))).toEqual([]);
  });

  test('a container that only declares ports is weak evidence: a warning, not an error', () => {
    const violations = run(jobHelperRule, job({ containers: [WORK, { name: 'cache', image: 'registry.example.com/cache:2', ports: [{ containerPort: 11211 }] }] }));
    expect(violations.map(v => `${v.severity} ${v.path}`)).toEqual(['warning spec.template.spec.containers[1]']);
    expect(violations[0].message).toContain('declares port 11211 (it serves) and runs no command known to end, so it probably never exits');
  });

  test('the only long-running container of a pod is its workload, not a helper', () => {
    expect(found(jobHelperRule, job({ containers: [{ name: 'watch', image: 'alpine:3.20', command: ['tail', '-f', '/x'] }] }))).toEqual([]);
  });

  test('a vault image running "vault server" is Vault itself: beside a Job\'s work it still never exits', () => {
    const violations = run(jobHelperRule, job({ containers: [WORK, { name: 'vault', image: 'hashicorp/vault:1.17', args: ['server', '-dev'] }] }));
    expect(violations[0].message).toContain('the Vault server itself (not the agent)');
  });
});

describe('SC205 on a helper stopped by a workaround that really runs', () => {
  const withQuit = (script: string, extra: any = {}) => job({
    containers: [{ name: 'work', image: 'python:3.12', command: ['sh', '-c', script] }, ISTIO],
    ...extra,
  });

  test('a quitquitquit call at the end of the main command: the Job completes, info recommends the native sidecar', () => {
    const violations = run(jobHelperRule, withQuit('python /app/export.py; curl -fsS -X POST http://localhost:15020/quitquitquit'));
    expect(violations.map(v => `${v.severity} ${v.path}`)).toEqual(['info spec.template.spec.containers[1]']);
    expect(violations[0].message).toContain('but is stopped by a workaround (container "work" calls "curl -fsS -X POST http://localhost:15020/quitquitquit" in its command), so the Job completes');
  });

  test('an EXIT trap runs the call whatever happens', () => {
    expect(found(jobHelperRule, withQuit('trap "curl -X POST localhost:15020/quitquitquit" EXIT\npython /app/export.py'))).toEqual(['SC205 info spec.template.spec.containers[1]']);
  });

  test('a call after "&&" runs only when the work succeeds: a warning', () => {
    const violations = run(jobHelperRule, withQuit('python /app/export.py && curl -X POST localhost:15020/quitquitquit'));
    expect(violations.map(v => v.severity)).toEqual(['warning']);
    expect(violations[0].message).toContain('neither completes nor fails');
  });

  test.each([
    ['a YAML folded scalar made the call an argument of the work', 'python /app/export.py curl -X POST localhost:15020/quitquitquit'],
    ['an && chain exits before the call', 'python /app/export.py && exit 0 && curl -X POST localhost:15020/quitquitquit'],
    ['exec replaces the shell first', 'exec python /app/export.py; curl -X POST localhost:15020/quitquitquit'],
    ['the trap is lost to exec', 'trap "curl -X POST localhost:15020/quitquitquit" EXIT; exec python /app/export.py'],
    ['the call runs only when the work fails', 'python /app/export.py || curl -X POST localhost:15020/quitquitquit'],
  ])('a workaround that never runs does not count (%s): still an error', (_what, script) => {
    expect(found(jobHelperRule, withQuit(script))).toEqual(['SC205 error spec.template.spec.containers[1]']);
  });

  test('a pkill needs shareProcessNamespace to see the helper\'s process', () => {
    const script = 'python /app/export.py; pkill -INT envoy';
    const without = run(jobHelperRule, withQuit(script));
    expect(without.map(v => v.severity)).toEqual(['error']);
    expect(without[0].message).toContain('without shareProcessNamespace: true it cannot see other containers\' processes');
    expect(found(jobHelperRule, withQuit(script, { shareProcessNamespace: true }))).toEqual(['SC205 info spec.template.spec.containers[1]']);
  });

  test('a call to an endpoint the helper has turned off does nothing', () => {
    const linkerd = { name: 'linkerd-proxy', image: 'cr.l5d.io/linkerd/proxy:edge-24.1.1', env: [{ name: 'LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED', value: 'false' }] };
    const manifest = job({ containers: [{ name: 'work', image: 'python:3.12', command: ['sh', '-c', 'python /app/export.py; curl -X POST localhost:4191/shutdown'] }, linkerd] });
    const violations = run(jobHelperRule, manifest);
    expect(violations.map(v => v.severity)).toEqual(['error']);
    expect(violations[0].message).toContain('that endpoint is turned off');
  });

  describe('a shared-file signal the helper watches', () => {
    const watcher = {
      name: 'shipper',
      image: 'alpine:3.20',
      command: ['sh', '-c', 'tail -F /shared/out.log &\nwhile [ ! -f /shared/done ]; do sleep 1; done\necho finished'],
      volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
    };
    const main = (script: string, mountPath = '/work') => ({
      name: 'work', image: 'python:3.12', command: ['sh', '-c', script], volumeMounts: [{ name: 'shared', mountPath }],
    });
    const volumes = [{ name: 'shared', emptyDir: {} }];

    test('the main container creates the file on the shared volume (even under another mount path): the Job completes', () => {
      const manifest = job({ containers: [main('trap "touch /work/done" EXIT\npython /app/export.py > /work/out.log'), watcher], volumes });
      const violations = run(jobHelperRule, manifest);
      expect(violations.map(v => v.severity)).toEqual(['info']);
      expect(violations[0].message).toContain('container "work" creates /work/done');
    });

    test('a file on the main container\'s own filesystem never reaches the helper', () => {
      const manifest = job({ containers: [main('python /app/export.py; touch /tmp/done'), watcher], volumes });
      expect(run(jobHelperRule, manifest).map(v => v.severity)).toEqual(['warning']);
    });

    test('nobody is seen to create the file: a warning (the main program may do it itself)', () => {
      const manifest = job({ containers: [main('python /app/export.py'), watcher], volumes });
      const violations = run(jobHelperRule, manifest);
      expect(violations.map(v => v.severity)).toEqual(['warning']);
      expect(violations[0].message).toContain('no container\'s command is seen to create /shared/done');
    });
  });
});
