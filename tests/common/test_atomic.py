"""Atomic writes: the destination is either the old file or the new one, never a partial file."""

from __future__ import annotations

import os
import stat

import pytest

from atelier_common.atomic import TEMP_PREFIX, atomic_write_bytes, atomic_write_text, atomic_writer


def _leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_write_bytes_creates_file_and_returns_path(tmp_path):
    target = tmp_path / "out.bin"
    assert atomic_write_bytes(target, b"\x00\x01abc") == target
    assert target.read_bytes() == b"\x00\x01abc"
    assert _leftovers(tmp_path) == []


def test_write_text_replaces_existing_without_newline_translation(tmp_path):
    target = tmp_path / "palette.gpl"
    target.write_text("old")
    atomic_write_text(target, "line 1\r\nZürich\n")
    assert target.read_bytes() == "line 1\r\nZürich\n".encode()


def test_write_text_honours_encoding(tmp_path):
    target = tmp_path / "latin.txt"
    atomic_write_text(target, "café", encoding="latin-1")
    assert target.read_bytes() == b"caf\xe9"


def test_error_in_body_keeps_old_file_and_removes_temp(tmp_path):
    target = tmp_path / "prefs.json"
    target.write_text('{"old": true}')
    with pytest.raises(RuntimeError, match="boom"):
        with atomic_writer(target, "w", encoding="utf-8") as handle:
            handle.write('{"new": ')
            raise RuntimeError("boom")
    assert target.read_text() == '{"old": true}'
    assert _leftovers(tmp_path) == []


def test_error_before_any_file_existed_leaves_nothing(tmp_path):
    target = tmp_path / "new.json"
    with pytest.raises(ValueError):
        with atomic_writer(target) as handle:
            handle.write(b"partial")
            raise ValueError("encode failed")
    assert list(tmp_path.iterdir()) == []


def test_temp_file_lives_next_to_target(tmp_path):
    target = tmp_path / "sub" / "x.bin"
    target.parent.mkdir()
    with atomic_writer(target) as handle:
        seen = os.listdir(target.parent)
        handle.write(b"1")
    assert len(seen) == 1 and seen[0].startswith(TEMP_PREFIX)
    assert os.listdir(target.parent) == ["x.bin"]


def test_missing_folder_raises_and_creates_nothing(tmp_path):
    with pytest.raises(FileNotFoundError):
        atomic_write_bytes(tmp_path / "nope" / "x.bin", b"1")
    assert list(tmp_path.iterdir()) == []


def test_new_file_gets_normal_permissions_and_existing_keeps_its_own(tmp_path):
    fresh = tmp_path / "fresh.txt"
    atomic_write_text(fresh, "a")
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~mask  # not mkstemp's 0600

    kept = tmp_path / "kept.txt"
    kept.write_text("a")
    kept.chmod(0o640)
    atomic_write_text(kept, "b")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


def test_read_modes_are_rejected(tmp_path):
    with pytest.raises(ValueError, match="write modes"):
        with atomic_writer(tmp_path / "x", "rb"):
            pass
