"""Reading users' files safely and writing outputs atomically.

Reading: only regular files are read (a FIFO, a device such as /dev/zero or /dev/urandom, a
socket or a folder is refused before it is opened), never more than a size limit, and binary or
non-UTF-8 text is refused. Writing: every output goes to a temporary file in the target's folder
and is renamed into place, so a failed run (a full disk, no permission, a kill) never leaves a
partial file; an existing target that is not a regular file (a device node) is never replaced.
Each problem is a one-line :class:`~detente.errors.InputError` naming the file and the reason.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from detente.errors import InputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


MAX_INPUT_BYTES = 10 * 1024 * 1024


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    return "is not a regular file"


def read_user_bytes(path: str | Path, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a user's regular file, at most ``max_bytes``; anything else is one line."""
    p = Path(path)
    file = str(p)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise InputError("no such file", file) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or type(exc).__name__}", file) from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(_kind(st.st_mode), file)
    if st.st_size > max_bytes:
        raise InputError(f"file is {st.st_size} bytes; the limit is {max_bytes}", file)
    try:
        # O_NONBLOCK: should the path be swapped for a FIFO after the check, open() does not hang
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise InputError("is not a regular file", file)
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or type(exc).__name__}", file) from None
    if len(raw) > max_bytes:
        raise InputError(f"file is over the limit of {max_bytes} bytes", file)
    return raw


def read_user_text(path: str | Path, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """A user's UTF-8 text file (see :func:`read_user_bytes`); binary or other encodings are one line."""
    return decode_user_text(read_user_bytes(path, max_bytes), str(path))


def decode_user_text(raw: bytes, file: str) -> str:
    """UTF-8 text (a BOM is dropped) from a user's bytes; binary or other encodings are one line."""
    if b"\x00" in raw:
        raise InputError("looks like a binary file, not text", file)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (bad byte at offset {exc.start})", file) from None


def _cannot(path: Path, exc: OSError) -> InputError:
    reason = exc.strerror or type(exc).__name__
    if isinstance(exc, IsADirectoryError):
        reason = "is a folder; give a file name"
    return InputError(f"cannot write here: {reason}", str(path))


def check_writable_target(target: Path) -> None:
    """Refuse a target that exists and is not a regular file (a folder, a device, a FIFO)."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _cannot(target, exc) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError("is a folder; give a file name", str(target))
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"cannot write here: {_kind(st.st_mode).replace(', not', '; give')} name",
                         str(target))


def probe_writable_folder(folder: Path) -> None:
    """Refuse, before long work, an output folder that cannot be written (read-only file system,
    permissions): a temporary file is made and removed in the nearest folder that exists."""
    folder = Path(folder)
    base = folder
    while not base.exists() and base != base.parent:
        base = base.parent
    if not base.is_dir():
        raise InputError("is not a folder", str(base))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".detente-probe.", suffix=".tmp", dir=base)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise _cannot(folder, exc) from None


def staged_path(target: Path) -> Path:
    """A new empty temporary file beside ``target`` (for writers that need a path, not text)."""
    check_writable_target(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        os.chmod(tmp, 0o666 & ~_umask())
    except OSError as exc:
        raise _cannot(target.parent, exc) from None
    return Path(tmp)


def commit_staged(tmp: Path, target: Path) -> None:
    """Rename a staged file into place (one line and no leftovers on failure)."""
    try:
        check_writable_target(target)
        os.replace(tmp, target)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _cannot(target, exc) from None
        raise


def _stage(target: Path, text: str) -> str:
    """Write ``text`` to a temporary file beside ``target``; return its path."""
    check_writable_target(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _cannot(target.parent, exc) from None
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())  # a full disk shows up here, not after the rename
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
            check_writable_target(target)
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
