"""Atomic file writes: a failed run never leaves a partial output file behind.

A path we cannot write (a missing or read-only folder, a folder where a file should go)
is a user mistake, reported as one-line :class:`~detente.errors.InputError`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from detente.errors import InputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _cannot(path: Path, exc: OSError) -> InputError:
    reason = exc.strerror or type(exc).__name__
    if isinstance(exc, IsADirectoryError) or path.is_dir():
        reason = "is a folder; give a file name"
    return InputError(f"cannot write here: {reason}", str(path))


def _stage(target: Path, text: str) -> str:
    """Write ``text`` to a temporary file beside ``target``; return its path."""
    if target.is_dir():
        raise InputError("is a folder; give a file name", str(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _cannot(target.parent, exc) from None
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _cannot(target, exc) from None
        raise
    return tmp


def atomic_write_files(files: Mapping[str | Path, str]) -> list[Path]:
    """Write several files all or nothing: every one is staged before any is renamed into place."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            target = Path(path)
            staged.append((_stage(target, text), target))
        for tmp, target in staged:
            os.replace(tmp, target)
    except OSError as exc:
        raise _cannot(staged[-1][1] if staged else Path("."), exc) from None
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
    return [target for _, target in staged]


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` to a temporary file beside ``path``, then rename it into place."""
    return atomic_write_files({path: text})[0]
