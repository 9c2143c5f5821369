"""Checkov policies for Code With Us that the stock checks leave out (run by infra/check).

CKV_CWU_1: no IAM statement may allow a wildcard action ("*", "dynamodb:*", "ses:Send*") or use
NotAction: each function gets exactly the actions it uses. Stock CKV_AWS_63 only catches a bare
"*", not "dynamodb:*".
"""

from checkov.cloudformation.checks.resource.base_resource_check import BaseResourceCheck
from checkov.common.models.enums import CheckCategories, CheckResult


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _statements(document):
    """The statements of one policy document (intrinsic functions are left alone)."""
    if not isinstance(document, dict):
        return []
    return [s for s in _as_list(document.get("Statement", [])) if isinstance(s, dict)]


def _documents(conf):
    """Every inline policy document of an IAM role, policy or SAM function."""
    props = conf.get("Properties") or {}
    if not isinstance(props, dict):
        return []
    documents = []
    if "PolicyDocument" in props:  # AWS::IAM::Policy, AWS::IAM::ManagedPolicy
        documents.append(props["PolicyDocument"])
    for policy in _as_list(props.get("Policies", [])):
        if isinstance(policy, dict):
            # AWS::IAM::Role: {PolicyName, PolicyDocument}; SAM: {Statement: [...]}
            documents.append(policy.get("PolicyDocument", policy))
    return documents


class NoWildcardActions(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="IAM statements allow only named actions (no wildcards, no NotAction)",
            id="CKV_CWU_1",
            categories=[CheckCategories.IAM],
            supported_resources=[
                "AWS::IAM::Role",
                "AWS::IAM::Policy",
                "AWS::IAM::ManagedPolicy",
                "AWS::Serverless::Function",
            ],
        )

    def scan_resource_conf(self, conf):
        for document in _documents(conf):
            for statement in _statements(document):
                if statement.get("Effect", "Allow") != "Allow":
                    continue
                if "NotAction" in statement:
                    return CheckResult.FAILED
                for action in _as_list(statement.get("Action", [])):
                    if isinstance(action, str) and "*" in action:
                        return CheckResult.FAILED
        return CheckResult.PASSED


check = NoWildcardActions()
