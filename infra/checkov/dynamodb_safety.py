"""CKV_CWU_2: every DynamoDB table keeps its data safe: point-in-time recovery and deletion
protection on (stock CKV_AWS_28 covers only the first). Run by infra/check."""

from checkov.cloudformation.checks.resource.base_resource_check import BaseResourceCheck
from checkov.common.models.enums import CheckCategories, CheckResult


def _enabled(value):
    return value is True or (isinstance(value, str) and value.lower() == "true")


class TableRecoverable(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="DynamoDB tables have point-in-time recovery and deletion protection",
            id="CKV_CWU_2",
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=["AWS::DynamoDB::Table"],
        )

    def scan_resource_conf(self, conf):
        props = conf.get("Properties") or {}
        pitr = (props.get("PointInTimeRecoverySpecification") or {}).get("PointInTimeRecoveryEnabled")
        if not _enabled(pitr) or not _enabled(props.get("DeletionProtectionEnabled")):
            return CheckResult.FAILED
        return CheckResult.PASSED


check = TableRecoverable()
