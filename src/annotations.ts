/**
 * Annotations this library reads and writes on a manifest's own `metadata.annotations`, so that
 * intent declared in TypeScript survives into YAML and every door of the rule engine (constructs,
 * CLI, cdk8s plugin) sees the same thing.
 */
export class Annotations {
  /**
   * Declared drain time per sidecar, in seconds: `envoy=5,log-shipper=10`.
   * Written by the constructs; may be written by hand in plain YAML.
   */
  public static readonly DRAIN_SECONDS = 'cdk8s-sidecars.io/drain-seconds';

  /** Declared stop time of the main containers, in seconds: `30`. */
  public static readonly APP_STOP_SECONDS = 'cdk8s-sidecars.io/app-stop-seconds';

  /**
   * Rule suppressions with reasons, one per line or separated by `;`:
   * `SC208: the proxy readiness must gate traffic`.
   */
  public static readonly SUPPRESS = 'cdk8s-sidecars.io/suppress';

  private constructor() {}
}
