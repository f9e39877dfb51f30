"""A stand-in for torch whose import stays half-done while the first palette extraction imports
scikit-learn and SciPy (as a slow real import of torch can), or until that extraction waits for it."""

import sys
import threading
import time


def _others():
    me = threading.get_ident()
    for ident, frame in sys._current_frames().items():
        if ident == me:
            continue
        names = []
        while frame is not None:
            names.append(frame.f_code.co_filename)
            frame = frame.f_back
        yield names


def _state():
    for names in _others():
        if any(n.endswith("import_order.py") for n in names[:3]):
            return "waiting"  # the extraction waits for this import to end: nothing can race
        if any("sklearn" in n or "scipy" in n or n.endswith("extract.py") for n in names):
            return "racing"
    return None


_start = time.monotonic()
while _state() is None and time.monotonic() - _start < 10:
    time.sleep(0.01)
while _state() == "racing" and time.monotonic() - _start < 10:
    time.sleep(0.01)


class Tensor:
    pass


def get_num_threads():
    return 1


def set_num_threads(n):
    pass
