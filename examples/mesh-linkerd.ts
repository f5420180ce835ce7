// An orders API in a Linkerd mesh, with the proxy rendered at synth time: linkerd-init, then
// linkerd-proxy as a native sidecar (startup probe on /ready, liveness on /live, no preStop),
// then the app's own cache sidecar, which therefore runs inside the mesh.
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { LinkerdInboundPolicy, Mesh, MeshedDeployment } from '../src';

/**
 * An example trust anchor (a throwaway self-signed root, public part only). Use your cluster's:
 * `kubectl -n linkerd get configmap linkerd-identity-trust-roots -o jsonpath='{.data.ca-bundle\.crt}'`.
 */
export const EXAMPLE_TRUST_ANCHORS = `-----BEGIN CERTIFICATE-----
MIIBsjCCAVigAwIBAgIUFb6F+xwM+k85oMsVzX73SfvXBIcwCgYIKoZIzj0EAwIw
JTEjMCEGA1UEAwwacm9vdC5saW5rZXJkLmNsdXN0ZXIubG9jYWwwHhcNMjYxMTIx
MTIwNzQzWhcNMzYxMTE4MTIwNzQzWjAlMSMwIQYDVQQDDBpyb290LmxpbmtlcmQu
Y2x1c3Rlci5sb2NhbDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABFf8cNOeMvUG
jXz5LbMVaFkItYNGNWYi4SGMa67o0bXfx0ngwMm62k77GOXjJtWJbgV4nqpU/pcT
6cbF2Z58W5ijZjBkMB0GA1UdDgQWBBQMNDQgheD8FeVKnhCeJlMid7lNyzAfBgNV
HSMEGDAWgBQMNDQgheD8FeVKnhCeJlMid7lNyzASBgNVHRMBAf8ECDAGAQH/AgEB
MA4GA1UdDwEB/wQEAwIBBjAKBggqhkjOPQQDAgNIADBFAiEA0bBTVXBwjMk8Dm/D
5yfJhZ6122U/bR2qqH/BdL739yQCIByczOs24lBjGNf1ZxDxLC621ScTcy9xBHb2
JKeE3ht0
-----END CERTIFICATE-----
`;

export class MeshLinkerdChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const orders = new MeshedDeployment(this, 'orders', {
      replicas: 2,
      mesh: Mesh.linkerd({
        trustAnchorsPem: EXAMPLE_TRUST_ANCHORS,
        // Redis speaks a server-first protocol: proxy it without protocol detection.
        opaquePorts: [6379],
        defaultInboundPolicy: LinkerdInboundPolicy.CLUSTER_AUTHENTICATED,
      }),
    });
    orders.addSidecar({
      name: 'cache',
      image: 'redis:7.4-alpine',
      args: ['--save', '', '--appendonly', 'no'],
      ports: [{ number: 6379, name: 'redis' }],
      startupProbe: kplus.Probe.fromCommand(['redis-cli', 'ping'], { periodSeconds: Duration.seconds(1), failureThreshold: 30 }),
      resources: { cpu: { request: kplus.Cpu.millis(50) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) } },
      securityContext: { user: 999, group: 999 },
    });
    orders.addContainer({
      name: 'orders',
      image: 'ghcr.io/example/orders:5.2.0',
      ports: [{ number: 8080, name: 'http' }],
      readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
      resources: { cpu: { request: kplus.Cpu.millis(250) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
      securityContext: { user: 10001, group: 10001 },
    });
  }
}

if (require.main === module) {
  const app = new App();
  new MeshLinkerdChart(app, 'mesh-linkerd');
  app.synth();
}
