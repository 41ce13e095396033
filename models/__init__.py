"""SQLAlchemy models: tables and small invariants. No commits, no JSON, no HTTP."""

from models.assignment import Assignment
from models.audit import AuditEntry
from models.base import db
from models.content import Content, ContentReview, ContentVersion, Publication
from models.content_report import ContentReport, ContentReportStatus
from models.contract import (
    Contract,
    ContractChannel,
    ContractDay,
    ContractMember,
    ContractObligation,
    ContractTarget,
)
from models.delivery import Delivery, EmailSend
from models.district import Community, District, Street
from models.job import Job, JobStatus
from models.message import Faq, Message, MessageEvent, ReplyTemplate
from models.metrics import ChannelMetric, MetricImport, PublicationMetric
from models.registry import (
    Case,
    DemoCommunity,
    Event,
    InteractionDay,
    ServiceGroup,
    Training,
)
from models.themes import Theme, ThemeStatus
from models.user import LoginAttempt, Role, User
from models.user_count import StreetCountChange, UserCount, UserCountImport
from models.visit import Problem, Visit

__all__ = [
    "Case",
    "ChannelMetric",
    "MetricImport",
    "PublicationMetric",
    "DemoCommunity",
    "Delivery",
    "District",
    "EmailSend",
    "Faq",
    "Message",
    "MessageEvent",
    "ReplyTemplate",
    "Event",
    "InteractionDay",
    "Job",
    "JobStatus",
    "ServiceGroup",
    "Training",
    "Assignment",
    "AuditEntry",
    "Community",
    "Content",
    "ContentReport",
    "ContentReportStatus",
    "ContentReview",
    "ContentVersion",
    "Contract",
    "ContractChannel",
    "ContractDay",
    "ContractMember",
    "ContractObligation",
    "ContractTarget",
    "LoginAttempt",
    "Problem",
    "Publication",
    "Role",
    "Street",
    "Theme",
    "ThemeStatus",
    "User",
    "StreetCountChange",
    "UserCount",
    "UserCountImport",
    "Visit",
    "db",
]
