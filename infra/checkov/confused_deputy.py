"""CKV_CWU_3: a Lambda execution role may be assumed only on behalf of this account's functions.

Each function (submit-proposal, send-mail, invite-owners, …) gets its own role; without an
`aws:SourceAccount` condition in the trust policy, the Lambda service could be asked to assume it
for another account's function (the confused-deputy problem). Stock checks do not look at trust
policies' conditions. Run by infra/check.
"""

from checkov.cloudformation.checks.resource.base_resource_check import BaseResourceCheck
from checkov.common.models.enums import CheckCategories, CheckResult


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _trusts_lambda(statement):
    principal = statement.get("Principal") or {}
    if not isinstance(principal, dict):
        return False
    return "lambda.amazonaws.com" in _as_list(principal.get("Service", []))


def _bound_to_account(statement):
    condition = statement.get("Condition") or {}
    if not isinstance(condition, dict):
        return False
    return any(
        isinstance(test, dict) and "aws:SourceAccount" in test for test in condition.values()
    )


class LambdaRoleBoundToAccount(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="Lambda execution roles are assumable only for this account's functions",
            id="CKV_CWU_3",
            categories=[CheckCategories.IAM],
            supported_resources=["AWS::IAM::Role"],
        )

    def scan_resource_conf(self, conf):
        props = conf.get("Properties") or {}
        document = props.get("AssumeRolePolicyDocument") or {}
        if not isinstance(document, dict):
            return CheckResult.UNKNOWN
        for statement in _as_list(document.get("Statement", [])):
            if not isinstance(statement, dict) or statement.get("Effect", "Allow") != "Allow":
                continue
            if _trusts_lambda(statement) and not _bound_to_account(statement):
                return CheckResult.FAILED
        return CheckResult.PASSED


check = LambdaRoleBoundToAccount()
