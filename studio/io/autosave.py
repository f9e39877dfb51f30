"""Autosave slots and crash recovery, Qt-free.

Each running Atelier owns one folder ``<data dir>/autosave/session-<pid>-<token>/`` holding ``owner.json``
(its process id), and, while the open document has unsaved changes, ``work.ora`` (the document as an
OpenRaster project, written atomically) with ``info.json`` (when, what). A normal close removes the
folder. A folder whose owner process is gone is what a crash or a kill left behind: the next start
offers to recover it (:func:`find_orphans`). Recovered work opens as a new, untitled document, so nothing
ever overwrites the user's own files.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atelier_common.atomic import atomic_write_text
from studio.io.ora import EncodeCache, write_ora
from studio.state.document import Document

WORK_NAME = "work.ora"
INFO_NAME = "info.json"
OWNER_NAME = "owner.json"


def autosave_root(data_dir: Path) -> Path:
    return Path(data_dir) / "autosave"


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # somebody else's process: alive
        return True
    except OSError:
        return False
    return True


class AutosaveSlot:
    """This process's autosave folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.folder = self.root / f"session-{os.getpid()}-{secrets.token_hex(4)}"
        self._created = False
        # The PNGs of the last autosave: an unchanged original or layer is not encoded again.
        self._cache = EncodeCache()

    @property
    def work_path(self) -> Path:
        return self.folder / WORK_NAME

    def _ensure(self) -> None:
        if not self._created:
            self.folder.mkdir(parents=True, exist_ok=True)
            owner = {"pid": os.getpid(), "started": time.time()}
            atomic_write_text(self.folder / OWNER_NAME, json.dumps(owner))
            self._created = True

    def write(self, document: Document, extras: dict[str, Any] | None = None) -> Path:
        """Write the document (atomically: a kill mid-write leaves the previous autosave)."""
        self._ensure()
        write_ora(self.work_path, document, extras, cache=self._cache)
        width, height = document.size
        info = {
            "saved_at": time.time(),
            "name": document.name,
            "path": str(document.path) if document.path else None,
            "layers": len(document.layers),
            "size": [width, height],
        }
        atomic_write_text(self.folder / INFO_NAME, json.dumps(info, ensure_ascii=False))
        return self.work_path

    def clear(self) -> None:
        """Nothing unsaved any more (saved, or discarded): drop the autosaved copy, keep the slot."""
        for name in (WORK_NAME, INFO_NAME):
            with contextlib.suppress(OSError):
                (self.folder / name).unlink()

    def remove(self) -> None:
        """A normal close."""
        shutil.rmtree(self.folder, ignore_errors=True)
        self._created = False
        self._cache.clear()

    def adopt(self, recovery: Recovery) -> None:
        """Take over a recovered file as this session's autosave, so a second crash keeps it too."""
        self._ensure()
        os.replace(recovery.work_path, self.work_path)
        if (recovery.folder / INFO_NAME).exists():
            os.replace(recovery.folder / INFO_NAME, self.folder / INFO_NAME)
        recovery.discard()


@dataclass(frozen=True)
class Recovery:
    """Work left by an Atelier that did not close normally."""

    folder: Path
    info: dict[str, Any]

    @property
    def work_path(self) -> Path:
        return self.folder / WORK_NAME

    @property
    def saved_at(self) -> float:
        value = self.info.get("saved_at")
        return float(value) if isinstance(value, int | float) else self.work_path.stat().st_mtime

    def describe(self) -> str:
        """One line: what it holds and when it was saved."""
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))
        name = str(self.info.get("name") or "an untitled picture")
        layers = self.info.get("layers")
        size = self.info.get("size")
        parts = [name]
        if isinstance(size, list) and len(size) == 2:
            parts.append(f"{size[0]}×{size[1]}")
        if isinstance(layers, int):
            parts.append(f"{layers} layer{'s' * (layers != 1)}")
        return f"{', '.join(parts)} — autosaved {when}"

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _owner_pid(folder: Path) -> int:
    try:
        return int(json.loads((folder / OWNER_NAME).read_text(encoding="utf-8"))["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return -1


def find_orphans(root: Path) -> list[Recovery]:
    """Autosaves whose Atelier is no longer running, newest first. Empty leftovers are removed."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        if not folder.is_dir() or not folder.name.startswith("session-"):
            continue
        if _pid_alive(_owner_pid(folder)):
            continue  # another Atelier is running and owns it
        if not (folder / WORK_NAME).is_file():
            shutil.rmtree(folder, ignore_errors=True)  # nothing unsaved was left
            continue
        try:
            info = json.loads((folder / INFO_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            info = {}
        found.append(Recovery(folder, info if isinstance(info, dict) else {}))
    return sorted(found, key=lambda r: r.saved_at, reverse=True)
