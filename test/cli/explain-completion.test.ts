// explain agrees with lint on whether a pod completes, and says when the pod has no limit (issue 19, items 2 and 11).
import { runCli } from './run-cli';

const NATIVE_JOB = `apiVersion: batch/v1
kind: Job
metadata: {name: ship}
spec:
  template:
    spec:
      restartPolicy: Never
      initContainers:
      - {name: shipper, image: busybox:1.36, restartPolicy: Always, command: [sh, -c, 'tail -F /data/out.log']}
      containers:
      - {name: work, image: busybox:1.36, command: [sh, -c, 'echo hi > /data/out.log']}
`;

const LEGACY_JOB = `apiVersion: batch/v1
kind: Job
metadata: {name: ship}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: work, image: busybox:1.36, command: [sh, -c, 'echo hi > /data/out.log']}
      - {name: shipper, image: busybox:1.36, command: [sh, -c, 'tail -F /data/out.log']}
`;

test('at 1.28 a native sidecar runs as a plain init container that never completes: explain says so, as lint does (SC901)', async () => {
  const explain = await runCli(['explain', '-k', '1.28', '-'], { input: NATIVE_JOB });
  expect(explain.stdout).toContain('1. init container "shipper"   never completes: it is written as a sidecar (restartPolicy: Always), but Kubernetes 1.28 drops restartPolicy');
  expect(explain.stdout).toContain('job can complete: no; init container "shipper" never completes');
  const json = JSON.parse((await runCli(['explain', '-k', '1.28', '-f', 'json', '-'], { input: NATIVE_JOB })).stdout).workloads[0];
  expect(json.jobCanComplete).toBe(false);
  expect((await runCli(['lint', '-k', '1.28', '-'], { input: NATIVE_JOB })).stdout).toContain('SC901');
  // From 1.29 it is a sidecar, and the Job completes.
  expect((await runCli(['explain', '-k', '1.29', '-'], { input: NATIVE_JOB })).stdout).toContain('job can complete: yes');
});

test('a legacy "tail -F" helper: explain says the Job cannot complete and why, as lint\'s SC205 does', async () => {
  const explain = await runCli(['explain', '-'], { input: LEGACY_JOB });
  expect(explain.stdout).toContain('job can complete: no; container "shipper" runs "tail -F /data/out.log", which follows the file and never exits (SC205)');
  expect((await runCli(['lint', '-'], { input: LEGACY_JOB })).stdout).toContain('SC205');
});

test('a helper stopped by a quit call that really runs: the Job completes, through a workaround', async () => {
  const job = `apiVersion: batch/v1
kind: Job
metadata: {name: export}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: work, image: python:3.12, command: [sh, -c, 'python /app/export.py; curl -X POST http://localhost:15020/quitquitquit']}
      - {name: istio-proxy, image: docker.io/istio/proxyv2:1.22.3}
`;
  const explain = await runCli(['explain', '-'], { input: job });
  expect(explain.stdout).toContain('job can complete: yes, through a workaround: container "work" calls "curl -X POST http://localhost:15020/quitquitquit" in its command, which stops "istio-proxy"');
});

test('json: jobCanComplete only on what runs to completion; limits set by some containers only leave the pod unbounded', async () => {
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: app, image: registry.example.com/app:1, resources: {limits: {memory: 256Mi}}}
      - {name: proxy, image: docker.io/istio/proxyv2:1.22.3, resources: {limits: {cpu: 500m, memory: 128Mi}}}
`;
  const json = JSON.parse((await runCli(['explain', '-f', 'json', '-'], { input: deployment })).stdout).workloads[0];
  expect(json).not.toHaveProperty('jobCanComplete');
  expect(json).not.toHaveProperty('blockingHelpers');
  expect(json.unboundedLimits).toEqual([{ resource: 'cpu', unlimited: ['app'] }]);
  const text = (await runCli(['explain', '-'], { input: deployment })).stdout;
  expect(text).toContain('limits: cpu unbounded ("app" sets no cpu limit, so the pod has none; the others add up to 500m), memory 384Mi');
  expect(text).not.toContain('can complete');
});
