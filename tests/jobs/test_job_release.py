"""A finished job is released (issue 14, case 3): nothing the runner or a panel connected keeps the Job,
its result or its previews alive once the caller lets go."""

import gc
import weakref

import numpy as np
import pytest

from models.progress import Progress

pytestmark = pytest.mark.gui


class Big:
    pass


def test_finished_job_and_its_result_are_released(qtbot, runner):
    refs = []
    for outcome in ("ok", "fail", "cancel"):

        def factory(outcome=outcome):
            yield Progress(0, 1, preview=np.zeros((64, 64, 3), np.uint8))
            if outcome == "fail":
                raise ValueError("bad")
            return Big()

        job = runner.submit(outcome, factory)
        job.finished.connect(lambda job=job: job.record)  # a panel's slot that holds its job
        if outcome == "cancel":
            job.cancel()
        with qtbot.waitSignal(job.finished, timeout=5000):
            pass
        refs.append(weakref.ref(job))
        if job.result is not None:
            refs.append(weakref.ref(job.result))
        del job
    qtbot.wait(20)
    gc.collect()
    assert [r() for r in refs] == [None] * len(refs)


def test_finished_workers_are_released_too(qtbot, runner):
    from models.progress import Progress

    def factory():
        yield Progress(0, 1)
        return 1

    job = runner.submit("w", factory)
    worker, signals = weakref.ref(job._worker), weakref.ref(job._worker.signals)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    del job
    qtbot.wait(20)
    gc.collect()
    assert worker() is None and signals() is None  # the thread pool holds no finished runnable
