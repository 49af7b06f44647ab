"""Petitions and leads, the issue taxonomy and ledger, transfers and their outcomes."""

from .archive import TransferOutcome  # noqa: F401
from .findings import (  # noqa: F401
    Category,
    Finding,
    FindingEvidence,
    FindingReview,
    FindingStatus,
    Severity,
    area_of,
)
from .intake import (  # noqa: F401
    Channel,
    Disposition,
    Lead,
    LeadAttachment,
    LeadGroupObjectPermission,
    LeadStatus,
    LeadUserObjectPermission,
    OutOfScope,
    PartnerDepartment,
    PublicStatus,
    RevealAction,
    RevealLog,
    ScopeStatus,
)
from .transfers import (  # noqa: F401
    DisciplineForm,
    HandlingResult,
    PersonDealt,
    Sanction,
    TransferBatch,
    TransferBatchGroupObjectPermission,
    TransferBatchUserObjectPermission,
    TransferItem,
    TransferStatus,
)
