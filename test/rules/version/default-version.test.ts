import { ManifestValidator } from '../../../src';

// A Job that every supported version (1.35, 1.36, 1.37) accepts: an init container and an app
// container with their own restartPolicy (ContainerRestartRules, beta and on from 1.35).
const JOB = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'train' },
  spec: {
    template: {
      spec: {
        restartPolicy: 'Never',
        initContainers: [{ name: 'fetch', image: 'fetch:1', restartPolicy: 'OnFailure' }],
        containers: [{
          name: 'train',
          image: 'train:1',
          restartPolicy: 'Never',
          restartPolicyRules: [{ action: 'Restart', exitCodes: { operator: 'In', values: [42] } }],
        }],
      },
    },
  },
};

const errors = (version?: string) => ManifestValidator.validate([JOB], version === undefined ? {} : { kubernetesVersion: version })
  .filter(v => v.severity === 'error').map(v => `${v.ruleId} ${v.path}`);

describe('the default target version', () => {
  test('accepts a Job that is valid on every supported version', () => {
    expect(errors()).toEqual([]);
    expect(errors('1.36')).toEqual([]);
    expect(errors('1.37')).toEqual([]);
  });

  test('1.33, the old default, rejects the same Job three times', () => {
    expect(errors('1.33')).toEqual([
      'SC101 spec.template.spec.initContainers[0].restartPolicy',
      'SC103 spec.template.spec.containers[0].restartPolicy',
      'SC103 spec.template.spec.containers[0].restartPolicyRules',
    ]);
  });
});
