"""Soak the job runner: thousands of small jobs (succeeding, failing, cancelled, with previews and results
of a few hundred kB) and the process's memory at the start, along the way and at the end.

    python bench/soak.py [--jobs 3000] [--result-kb 256]

Memory must stay flat: a finished job, its result and its previews are released once nobody holds them.
Prints one line per checkpoint (jobs done, RSS in MB, live Job objects) and a summary with the growth per
1000 jobs after the warm-up (the first 10 %).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer  # noqa: E402

from models.progress import Progress  # noqa: E402


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_factory(kind: str, result_kb: int, seed: int):  # type: ignore[no-untyped-def]
    def factory():  # type: ignore[no-untyped-def]
        rng = np.random.default_rng(seed)
        side = max(8, int((result_kb * 1024 / 3) ** 0.5))
        for step in range(3):
            yield Progress(step, 3, "working", preview=rng.integers(0, 255, (side, side, 3), np.uint8))
        if kind == "fail":
            raise ValueError(f"job {seed} failed on purpose")
        if kind == "cancel":
            while True:
                yield Progress(3, 3, "waiting to be stopped")
        return rng.integers(0, 255, (side, side, 3), np.uint8)

    return factory


def live_jobs() -> int:
    from studio.jobs.runner import Job

    return sum(1 for o in gc.get_objects() if isinstance(o, Job))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=3000)
    parser.add_argument("--result-kb", type=int, default=256, help="size of each result and preview")
    parser.add_argument("--batch", type=int, default=50, help="jobs submitted before waiting for them")
    args = parser.parse_args()

    app = QCoreApplication.instance() or QCoreApplication([])
    from studio.jobs.errors import ErrorReporter
    from studio.jobs.runner import JobRunner

    class QuietReporter(ErrorReporter):
        def report(self, title: str, message: str, details: str = "") -> None:
            self.reported.emit(title, message, details)

    runner = JobRunner(QuietReporter())
    kinds = ("ok", "ok", "fail", "cancel")
    every = max(1, args.jobs // 10)
    rows: list[tuple[int, float]] = []
    gc.collect()
    start_rss = rss_mb()
    print(f"{'jobs':>6} {'RSS MB':>8} {'live jobs':>9}")
    print(f"{0:>6} {start_rss:8.1f} {live_jobs():>9}")
    t0 = time.monotonic()
    done = 0
    while done < args.jobs:
        batch = []
        for i in range(min(args.batch, args.jobs - done)):
            n = done + i
            kind = kinds[n % len(kinds)]
            job = runner.submit(
                f"soak {n}", make_factory(kind, args.result_kb, n), pool=("cpu", "torch")[n % 2]
            )
            if kind == "cancel":
                job.progressed.connect(lambda _report, job=job: job.cancel())  # how a panel stops a job
            batch.append(job)
        while any(job.is_running for job in batch):
            loop = QEventLoop()
            QTimer.singleShot(5, loop.quit)
            loop.exec()
        del batch, job
        before, done = done, done + min(args.batch, args.jobs - done)
        app.processEvents()
        if done // every > before // every or done == args.jobs:
            gc.collect()
            rss = rss_mb()
            rows.append((done, rss))
            print(f"{done:>6} {rss:8.1f} {live_jobs():>9}", flush=True)
    runner.shutdown(5000)
    seconds = time.monotonic() - t0
    warm = rows[0][1]
    end = rows[-1][1]
    span = (rows[-1][0] - rows[0][0]) / 1000 or 1
    print(
        f"{args.jobs} jobs in {seconds:.1f} s; RSS {start_rss:.0f} MB at start, {warm:.0f} MB after "
        f"{rows[0][0]} jobs, {end:.0f} MB at the end: {(end - warm) / span:+.1f} MB per 1000 jobs after warm-up"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
