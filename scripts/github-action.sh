#!/usr/bin/env bash
# The command line of the GitHub Action (action.yml): runs `cdk8s-sidecars lint --format sarif`
# on the given paths, writes the report to INPUT_SARIF_FILE, and sets the step's outputs.
# CDK8S_SIDECARS_COMMAND replaces `npx --yes cdk8s-sidecars@VERSION` (tests, or a preinstalled copy).
set -euo pipefail

version=${INPUT_VERSION:-latest}
if [[ ! $version =~ ^[A-Za-z0-9.^~*+-]+$ ]]; then
  echo "::error::cdk8s-sidecars action: version \"$version\" is not an npm version or tag"
  exit 2
fi
read -r -a command <<< "${CDK8S_SIDECARS_COMMAND:-npx --yes cdk8s-sidecars@$version}"

args=(lint --format sarif)
if [[ -n ${INPUT_KUBERNETES_VERSION:-} ]]; then args+=(--kubernetes-version "$INPUT_KUBERNETES_VERSION"); fi
if [[ -n ${INPUT_CONFIG:-} ]]; then args+=(--config "$INPUT_CONFIG"); fi
read -r -a paths <<< "${INPUT_PATHS:-.}"
if [[ ${#paths[@]} -eq 0 ]]; then paths=(.); fi
args+=(--)
args+=("${paths[@]}")

sarif=${INPUT_SARIF_FILE:-cdk8s-sidecars.sarif}
partial="$sarif.partial"
set +e
"${command[@]}" "${args[@]}" > "$partial"
code=$?
set -e

output=${GITHUB_OUTPUT:-/dev/null}
echo "exit-code=$code" >> "$output"
if [[ $code -eq 2 || ! -s $partial ]]; then
  rm -f "$partial"
  echo "::error::cdk8s-sidecars lint could not read its input (exit $code); see the line above"
  exit 2
fi
mv "$partial" "$sarif"
echo "sarif-file=$sarif" >> "$output"
if [[ $code -eq 1 && ${INPUT_FAIL_ON_FINDINGS:-true} == true ]]; then
  echo "::error::cdk8s-sidecars lint found errors; the SARIF report is $sarif"
  exit 1
fi
exit 0
