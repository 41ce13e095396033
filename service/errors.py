"""Errors the use cases raise; the HTTP edge maps them to status codes in one place."""

from collections.abc import Iterator
from contextlib import contextmanager


class ServiceError(Exception):
    """Base class: a message for people (Chinese) and, optionally, the fields at fault."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFoundError(ServiceError):
    pass


class PermissionDeniedError(ServiceError):
    pass


class ConflictError(ServiceError):
    pass


class RuleViolationError(ServiceError):
    """The input is well-formed but breaks a business rule (answered like a validation error).
    `location` says where the fields at fault were sent (json, files, query)."""

    location = "json"


class UnreadableInputError(ServiceError):
    """An upload that is not what it claims to be (not a spreadsheet at all)."""


class AuthenticationError(ServiceError):
    pass


class UnavailableError(ServiceError):
    """A service this one depends on (the job queue) cannot be reached now; nothing was lost
    and the request can be sent again later."""

    retry_after = 30


class TooManyAttemptsError(ServiceError):
    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def field_error(field: str, message: str) -> RuleViolationError:
    """A rule violation that names one field, shaped like a validation error."""
    return RuleViolationError(message, {field: [message]})


@contextmanager
def named_in_body(field: str) -> Iterator[None]:
    """A record that a request's body names but that does not exist is a fault of that field
    (422 naming it), not a missing resource (404) as when the path names it."""
    try:
        yield
    except NotFoundError as error:
        raise field_error(field, error.message) from None
