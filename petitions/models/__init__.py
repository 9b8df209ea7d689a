"""Database models. Import them from here: ``from petitions.models import Initiative``."""

from petitions.models.initiatives import (
    AdmissibilityReview,
    ConsultationMeeting,
    Initiative,
    InitiativeState,
    InitiativeText,
    Outcome,
    Representative,
)
from petitions.models.records import (
    AuditEntry,
    CountLogEntry,
    JobLease,
    JobRun,
    MailBudget,
    OutboxMessage,
    ReminderSent,
)
from petitions.models.signatures import Signature, SignatureState, Street
from petitions.models.staff import (
    RecoveryCode,
    SignInFailures,
    Staff,
    StaffRole,
    StaffSession,
)
from petitions.models.types import UTCDateTime, utcnow

__all__ = [
    "AdmissibilityReview",
    "AuditEntry",
    "ConsultationMeeting",
    "CountLogEntry",
    "Initiative",
    "InitiativeState",
    "InitiativeText",
    "JobLease",
    "JobRun",
    "MailBudget",
    "OutboxMessage",
    "Outcome",
    "RecoveryCode",
    "ReminderSent",
    "Representative",
    "Signature",
    "SignInFailures",
    "SignatureState",
    "Staff",
    "StaffRole",
    "StaffSession",
    "Street",
    "UTCDateTime",
    "utcnow",
]
