"""The one place that knows about threads: a QThreadPool job runner for engine generators."""

from studio.jobs.errors import ErrorReporter, readable_error
from studio.jobs.runner import Job, JobRunner

__all__ = ["ErrorReporter", "Job", "JobRunner", "readable_error"]
