"""Atomic file writes: every file Atelier writes goes through here.

A write lands in a temporary file in the destination's folder (same filesystem, so the final
``os.replace`` is atomic), is flushed and fsynced, and only then replaces the destination. A crash or an
exception at any point leaves either the old file or the new one, never a half-written file, and the
temporary file is removed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_write_bytes", "atomic_write_text", "atomic_writer", "clean_stale_temps", "TEMP_PREFIX"]

#: Prefix of the temporary files; they start with a dot so file managers hide them.
TEMP_PREFIX = ".atelier-tmp-"


#: A temporary file this old was left by a save that was killed (a live save takes seconds at most).
STALE_AFTER_S = 3600.0


def clean_stale_temps(
    folder: str | os.PathLike[str], *, older_than_s: float = STALE_AFTER_S, depth: int = 0
) -> int:
    """Remove our own stale temporary files (``.atelier-tmp-*.part``, older than ``older_than_s``) from
    ``folder`` and, ``depth`` levels down, its subfolders. Never raises; returns how many were removed."""
    removed = 0
    cutoff = time.time() - older_than_s
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        try:
            if entry.name.startswith(TEMP_PREFIX) and entry.name.endswith(".part"):
                if (
                    entry.is_file(follow_symlinks=False)
                    and entry.stat(follow_symlinks=False).st_mtime < cutoff
                ):
                    os.unlink(entry.path)
                    removed += 1
            elif depth > 0 and entry.is_dir(follow_symlinks=False):
                removed += clean_stale_temps(entry.path, older_than_s=older_than_s, depth=depth - 1)
        except OSError:
            continue
    return removed


def _read_umask() -> int:
    # os.umask can only be read by setting it, which races with other threads; do it once at import.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not every platform (Windows) lets us open a directory.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], mode: str = "wb", **open_kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file next to ``path``; on a clean exit it atomically replaces ``path``.

    ``mode`` is ``"wb"`` or ``"w"`` (text; pass ``encoding=`` / ``newline=`` through ``open_kwargs``).
    If the body raises, the temporary file is deleted, ``path`` is left as it was, and the exception
    propagates.
    """
    if mode not in ("w", "wb", "wt"):
        raise ValueError(f"atomic_writer supports write modes 'w' and 'wb', not {mode!r}")
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    clean_stale_temps(folder)  # what an earlier, killed save into this folder left behind
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".part", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, mode, **open_kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600 files; give the result the permissions a normal open() would.
        _apply_default_mode(tmp, target)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(folder)


def _apply_default_mode(tmp: Path, target: Path) -> None:
    try:
        if target.exists():
            mode = target.stat().st_mode & 0o777
        else:
            mode = 0o666 & ~_UMASK
        os.chmod(tmp, mode)
    except OSError:
        pass


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path."""
    with atomic_writer(path, "wb") as handle:
        handle.write(data)
    return Path(path)


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (no newline translation) and return the path."""
    with atomic_writer(path, "w", encoding=encoding, newline="") as handle:
        handle.write(text)
    return Path(path)
