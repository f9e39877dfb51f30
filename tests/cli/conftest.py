"""Headless commands use every core unless OMP_NUM_THREADS says otherwise; on a shared test machine two
busy torch threads per test only wait on each other, so the CLI tests run one."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _one_torch_thread(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
