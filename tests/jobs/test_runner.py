import threading
import time

import numpy as np
import pytest

from atelier_common.errors import UserError
from models.progress import Progress

pytestmark = pytest.mark.gui


def counting_job(n=5, delay=0.0, preview=False):
    def factory():
        for i in range(n):
            if delay:
                time.sleep(delay)
            yield Progress(
                i + 1, n, f"step {i + 1}", preview=np.full((4, 4, 3), i, np.uint8) if preview else None
            )
        return "done"

    return factory


def test_signal_order_on_success(qtbot, runner):
    seen = []
    job = runner.submit("count", counting_job(3, preview=True))
    job.started.connect(lambda: seen.append("started"))
    job.progressed.connect(lambda p: seen.append("progressed"))
    job.previewed.connect(lambda p: seen.append("previewed"))
    job.succeeded.connect(lambda r: seen.append(("succeeded", r)))
    job.finished.connect(lambda: seen.append("finished"))
    with qtbot.waitSignals([job.succeeded, job.finished], order="strict", timeout=5000):
        pass
    assert seen[0] == "started"
    assert "progressed" in seen and "previewed" in seen
    assert seen[-2:] == [("succeeded", "done"), "finished"]
    assert job.result == "done"
    assert job.record.step == 3 and job.record.total == 3
    assert not job.is_running
    assert runner.jobs == []


def test_cancel_stops_within_half_a_second_and_keeps_latest_preview(qtbot, runner):
    cleaned = threading.Event()

    def factory():
        try:
            i = 0
            while True:
                i += 1
                time.sleep(0.05)
                yield Progress(i, 1000, preview=np.full((2, 2, 3), i % 255, np.uint8))
        finally:
            cleaned.set()

    job = runner.submit("endless", factory)
    with qtbot.waitSignal(job.previewed, timeout=5000):
        pass
    got = []
    job.cancelled.connect(got.append)
    t0 = time.monotonic()
    job.cancel()
    with qtbot.waitSignals([job.cancelled, job.finished], order="strict", timeout=2000):
        pass
    assert time.monotonic() - t0 < 0.5
    assert cleaned.is_set(), "the generator's finally block must run on cancel"
    assert got and got[0] is not None and got[0].shape == (2, 2, 3)
    assert job.state.value == "cancelled"


def test_error_goes_to_the_reporter_with_a_readable_message(qtbot, runner):
    def factory():
        yield Progress(1, 2)
        raise UserError("the style image is too small (8×8); use at least 32×32")

    reports = []
    runner.reporter.reported.connect(lambda title, msg, details: reports.append((title, msg, details)))
    job = runner.submit("Stylize", factory)
    with qtbot.waitSignals([job.failed, job.finished], order="strict", timeout=5000):
        pass
    assert reports and reports[0][0] == "Stylize failed"
    assert reports[0][1] == "the style image is too small (8×8); use at least 32×32"
    assert "Traceback" in reports[0][2]
    assert job.record.error == reports[0][1]


def test_unexpected_errors_name_their_type(qtbot, runner):
    def factory():
        yield Progress(0, 1)
        raise KeyError("conv1.weight")

    reports = []
    runner.reporter.reported.connect(lambda *a: reports.append(a[1]))
    job = runner.submit("load", factory)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert reports == ["Unexpected error (KeyError: 'conv1.weight')."]


def test_errors_are_told_apart_by_type_not_by_name():
    from studio.jobs.errors import readable_error

    class ImageLoadError(Exception):  # the name of a user-facing error, but not one
        pass

    class Mine(UserError):
        pass

    assert readable_error(Mine("photo.png: the file is truncated")) == "photo.png: the file is truncated"
    assert readable_error(ImageLoadError("x")) == "Unexpected error (ImageLoadError: x)."
    assert readable_error(ValueError("bad")) == "Unexpected error (ValueError: bad)."
    assert (
        readable_error(PermissionError(13, "Permission denied", "/x/y.png")) == "/x/y.png: Permission denied"
    )
    assert readable_error(MemoryError()).startswith("Not enough memory")


def test_factory_error_is_reported_too(qtbot, runner):
    def factory():
        raise FileNotFoundError("photo.png: no such file")

    job = runner.submit("open", factory)
    with qtbot.waitSignals([job.failed, job.finished], order="strict", timeout=5000):
        pass


def test_new_job_with_same_key_supersedes_the_stale_one(qtbot, runner):
    first = runner.submit("palette k=5", counting_job(1000, delay=0.01), key="palette")
    with qtbot.waitSignal(first.progressed, timeout=5000):
        pass
    second = runner.submit("palette k=6", counting_job(3), key="palette")
    with qtbot.waitSignals([first.cancelled, second.succeeded], timeout=5000):
        pass
    qtbot.waitUntil(lambda: not second.is_running, timeout=5000)


def test_pools_are_independent(qtbot, runner):
    slow = runner.submit("torch work", counting_job(1000, delay=0.01), pool="torch")
    quick = runner.submit("cpu work", counting_job(2), pool="cpu")
    with qtbot.waitSignal(quick.succeeded, timeout=3000):
        pass
    assert slow.is_running
    slow.cancel()
    with qtbot.waitSignal(slow.finished, timeout=2000):
        pass


def test_shutdown_with_a_job_running_waits_for_it(qtbot):
    from studio.jobs import JobRunner

    r = JobRunner()
    finished_cleanup = threading.Event()

    def factory():
        try:
            while True:
                time.sleep(0.02)
                yield Progress(0, 0)
        finally:
            finished_cleanup.set()

    job = r.submit("forever", factory)
    with qtbot.waitSignal(job.progressed, timeout=3000):  # inside the generator's try block
        pass
    assert r.shutdown(3000)
    assert finished_cleanup.is_set()
    with pytest.raises(RuntimeError):
        r.submit("late", counting_job(1))
    qtbot.wait(20)


def test_unknown_pool_is_refused(runner):
    with pytest.raises(ValueError, match="unknown pool"):
        runner.submit("x", counting_job(1), pool="gpu")


def test_pool_initializer_runs_in_the_worker_before_each_job(qtbot, runner):
    seen = []
    runner.set_pool_initializer("torch", lambda: seen.append(threading.current_thread().name))
    for _ in range(2):
        job = runner.submit("t", counting_job(1), pool="torch")
        with qtbot.waitSignal(job.finished, timeout=5000):
            pass
    cpu_job = runner.submit("c", counting_job(1), pool="cpu")
    with qtbot.waitSignal(cpu_job.finished, timeout=5000):
        pass
    assert len(seen) == 2 and threading.main_thread().name not in seen
