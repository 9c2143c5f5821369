# Shared by infra/check and infra/selftest (sourced, not run): the tools from .venv-test and
# the validation of one CloudFormation/SAM template.
# shellcheck shell=bash

infra_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv_bin=$infra_root/.venv-test/bin
if [[ ! -x $venv_bin/cfn-lint ]]; then
    echo "infra: $venv_bin/cfn-lint missing: run tests/install-deps (tests/requirements.txt)" >&2
    exit 1
fi
export PATH="$venv_bin:$PATH"

# Offline and without AWS credentials: nothing here may reach an AWS account, so drop any
# credentials the caller had and keep the SDKs off the instance metadata address.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL
export AWS_EC2_METADATA_DISABLED=true
export SAM_CLI_TELEMETRY=0
# SAM CLI writes its settings under the home directory; keep them out of the user's.
export SAM_CLI_CONFIG_DIR=${TMPDIR:-/tmp}/cwu-sam-cli

step() { printf '\n== infra: %s\n' "$*"; }

# cfn-lint, sam validate and checkov (stock checks plus infra/checkov/) on one template.
# Prints each tool's findings; returns non-zero if any tool rejects the template.
validate_template() {
    local template=$1 status=0
    echo "-- cfn-lint $template"
    cfn-lint "$template" || status=1
    # `sam validate` checks the SAM transform itself (what --lint would add is cfn-lint, above).
    echo "-- sam validate $template"
    sam validate --region ca-central-1 --template "$template" || status=1
    echo "-- checkov $template"
    checkov -f "$template" --framework cloudformation --skip-download --compact --quiet \
        --external-checks-dir "$infra_root/infra/checkov" || status=1
    return $status
}
