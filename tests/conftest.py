"""Suite-wide setup: Qt offscreen, preferences and settings redirected into a temp dir, no stray jobs."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Preferences, user data and QSettings never touch the real home directory."""
    base = tmp_path_factory.mktemp("userdirs")
    monkeypatch.setenv("ATELIER_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("ATELIER_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("ATELIER_SETTINGS_DIR", str(base / "settings"))
    yield


@pytest.fixture
def runner(qtbot):
    """A JobRunner that fails the test if a job is still running at the end."""
    from studio.jobs import JobRunner

    job_runner = JobRunner()
    yield job_runner
    leftover = [job.name for job in job_runner.jobs if job.is_running]
    job_runner.shutdown(5000)
    qtbot.wait(10)
    assert not leftover, f"test left jobs running: {leftover}"
