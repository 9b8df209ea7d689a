"""Database models. Import them from here: ``from petitions.models import Initiative``."""

from .core import (
    Initiative,
    InitiativeState,
    InitiativeText,
    OutboxMessage,
    Outcome,
    Signature,
    SignatureState,
    StaffRole,
    Street,
    UTCDateTime,
    utcnow,
)
from .lifecycle import (
    AdmissibilityReview,
    AuditEntry,
    ConsultationMeeting,
    CountLogEntry,
    JobLease,
    JobRun,
    ReminderSent,
    Representative,
    Staff,
)

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
    "OutboxMessage",
    "Outcome",
    "ReminderSent",
    "Representative",
    "Signature",
    "SignatureState",
    "Staff",
    "StaffRole",
    "Street",
    "UTCDateTime",
    "utcnow",
]
