"""Where a writer may write: never onto its own command's inputs, never onto a file it did not create,
and only into a folder that exists and can be written to. Every check runs before the work starts and
raises :class:`OutputRefused` with one line that names the file and the reason. Standard library only;
``studio.io.guard`` adds the checks that need to read images and palettes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

__all__ = [
    "OutputRefused",
    "check_folder",
    "check_output",
    "check_output_dir",
    "is_gan_sidecar",
    "is_sample_sidecar",
    "read_small_json",
    "same_file",
]

#: Sidecars and palette JSON larger than this are not ours (ours are a few kB).
_MAX_OWN_JSON = 4 * 1024 * 1024


class OutputRefused(ValueError):
    """A destination a writer must not use; ``str()`` is one line naming the file and why."""


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """True when ``a`` and ``b`` are the same file (same resolved path, hard link, case-folded name)."""
    a, b = Path(a), Path(b)
    try:
        if a.resolve() == b.resolve():
            return True
    except (OSError, RuntimeError):
        return False
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_folder(target: str | os.PathLike[str]) -> Path:
    """The folder that will hold the file ``target`` exists and can be written to."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    _writable_dir(folder, target)
    return target


def check_output_dir(folder: str | os.PathLike[str]) -> Path:
    """``folder`` is a writable folder, or can be made as one (it is not created here)."""
    folder = Path(folder)
    probe = folder
    while not probe.exists() and probe != probe.parent:  # mkdir(parents=True) starts at the first that exists
        probe = probe.parent
    _writable_dir(probe, folder)
    return folder


def _writable_dir(folder: Path, target: Path) -> None:
    if not folder.exists():
        raise OutputRefused(f"{target}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise OutputRefused(f"{target}: {folder} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputRefused(f"{target}: the folder {folder} is read-only (cannot write there)")


def check_output(
    target: str | os.PathLike[str],
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    replaceable: Callable[[Path], bool] | None = None,
    what: str = "file",
) -> Path:
    """Refuse ``target`` when it is one of ``inputs``, a folder, in a missing or read-only folder, or an
    existing file that ``replaceable`` does not recognise as one this writer made."""
    target = Path(target)
    for original in inputs:
        if same_file(target, original):
            raise OutputRefused(f"{target}: is one of this command's inputs; originals are never overwritten")
    if target.is_dir():
        raise OutputRefused(f"{target}: is a folder")
    check_folder(target)
    if target.exists() or target.is_symlink():
        if replaceable is None or not _safe(replaceable, target):
            raise OutputRefused(
                f"{target}: exists and is not {'an' if what[:1] in 'aeiou' else 'a'} {what} that Atelier "
                "wrote; choose another name or remove it"
            )
    return target


def _safe(test: Callable[[Path], bool], path: Path) -> bool:
    try:
        return bool(test(path))
    except Exception:  # noqa: BLE001 - anything unreadable is not ours
        return False


def read_small_json(path: Path) -> Any:
    """The JSON in ``path`` when it is a small readable file, else None."""
    if not path.is_file() or path.stat().st_size > _MAX_OWN_JSON:
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None


def is_gan_sidecar(path: Path) -> bool:
    """The JSON sidecar of an Atelier GAN model."""
    doc = read_small_json(path)
    return isinstance(doc, dict) and doc.get("format") == "atelier-gan"


def is_sample_sidecar(path: Path) -> bool:
    """A JSON sidecar that ``atelier gan`` wrote for a sample or a grid (never a model's sidecar)."""
    doc = read_small_json(path)
    if not isinstance(doc, dict) or "format" in doc:
        return False
    tool = doc.get("tool")
    return isinstance(tool, str) and tool.startswith("atelier gan")
