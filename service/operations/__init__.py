"""Keeping the service itself: backups (and, next, jobs and schedules)."""
