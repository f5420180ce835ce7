/**
 * `explain` on a pod with a RestartAllContainers restart rule (KEP-5532, beta and on from 1.36):
 * when the container exits with a matching code, the kubelet restarts every container of the pod,
 * sidecars included, in startup order.
 */
import { NO_COLORS } from '../../src/cli/colors';
import { explainInputs } from '../../src/cli/explain';
import { formatExplainJson, formatExplainText } from '../../src/cli/explain-report';
import { CliIo } from '../../src/cli/io';
import { parseKubeVersion } from '../../src/version';

const JOB = `apiVersion: batch/v1
kind: Job
metadata:
  name: train
spec:
  template:
    spec:
      restartPolicy: Never
      initContainers:
        - {name: fetch, image: fetch:1}
        - {name: proxy, image: proxy:1, restartPolicy: Always}
      containers:
        - name: train
          image: train:1
          restartPolicy: Never
          restartPolicyRules:
            - {action: RestartAllContainers, exitCodes: {operator: In, values: [42, 43]}}
`;

const io = (text: string): CliIo => ({
  stdout: () => undefined,
  stderr: () => undefined,
  readStdin: async () => Buffer.from(text),
  stdoutIsTTY: false,
  env: {},
  cwd: process.cwd(),
});

const explain = async (version: string) => explainInputs([{ displayName: '<stdin>', json: false }], parseKubeVersion(version), io(JOB));

describe('explain: RestartAllContainers', () => {
  test('1.36: says that every container, sidecars included, restarts in startup order', async () => {
    const text = formatExplainText(await explain('1.36'), NO_COLORS);
    expect(text).toContain('  restart all: when "train" exits with exit code 42, 43 (containers[0].restartPolicyRules[0]: RestartAllContainers), '
      + 'the kubelet stops every container of the pod, sidecars included, and starts the pod again in place: '
      + 'init container "fetch", then sidecar "proxy", then the regular containers\n');
    const json = JSON.parse(formatExplainJson(await explain('1.36'), '1.36'));
    expect(json.workloads[0].restartAllContainers).toEqual([
      { name: 'train', path: 'containers[0]', rule: 'restartPolicyRules[0]', operator: 'In', exitCodes: [42, 43] },
    ]);
  });

  test('1.35: the action is alpha and off (the API server rejects it, SC103), so explain says nothing of it', async () => {
    const workloads = await explain('1.35');
    expect(workloads[0].plan.restartAllTriggers).toEqual([]);
    expect(formatExplainText(workloads, NO_COLORS)).not.toContain('restart all');
  });
});
