"""Releasing a finished worker drops its signal connections, without going through a PySide error.

``signals.disconnect(None)`` (the old code) raised a TypeError whose message PySide builds from every
loaded module's signatures: ~80 ms frozen on the UI thread at the end of a job once torch was imported,
and the connections stayed."""

import pytest
from PySide6.QtCore import SIGNAL

from models.progress import Progress
from studio.jobs.worker import GeneratorWorker, WorkerSignals

pytestmark = pytest.mark.gui

SIGNATURES = {
    "started": "started()",
    "progressed": "progressed(PyObject)",
    "previewed": "previewed(PyObject)",
    "succeeded": "succeeded(PyObject)",
    "failed": "failed(QString,QString)",
    "cancelled": "cancelled(PyObject)",
    "done": "done()",
}


def test_release_disconnects_every_signal(qapp):
    signals = WorkerSignals()
    seen = []
    for name in SIGNATURES:
        getattr(signals, name).connect(lambda *args, name=name: seen.append(name))

    def factory():
        yield Progress(0, 1)
        return 42

    worker = GeneratorWorker(factory, signals)
    worker.run()  # in this thread: the signals are direct
    assert {"started", "succeeded", "done"} <= set(seen)
    assert all(signals.receivers(SIGNAL(sig)) == 1 for sig in SIGNATURES.values())
    worker.release()
    assert [signals.receivers(SIGNAL(sig)) for sig in SIGNATURES.values()] == [0] * len(SIGNATURES)
