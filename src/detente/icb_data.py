"""One reader for ICB's CSV files, shared by the backtest (``backtest.icb``) and the drafter's
evaluation (``text.icb_eval``): both need the same one-line errors for a missing, unreadable or
short file, and the same line numbers (where a row starts: a quoted narrative spans lines)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from detente.errors import InputError


def read_icb_csv(path: Path, need: Sequence[str], hint: str = "") -> list[tuple[int, dict[str, str]]]:
    """(line where the row starts, row) of an ICB csv file with the columns ``need``.

    A missing or unreadable file, a missing column or a file without rows is an :class:`InputError`
    naming the file (``hint`` is added to the not-found message, e.g. where the data lives)."""
    if not path.is_file():
        raise InputError("ICB file not found" + (f" ({hint})" if hint else ""), str(path))
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            fields = reader.fieldnames or []
            missing = [c for c in need if c not in fields]
            if missing:
                raise InputError(f"column missing (an ICB file needs {', '.join(missing)})", str(path),
                                 field=missing[0])
            rows, end = [], reader.line_num
            for row in reader:
                rows.append((end + 1, row))
                end = reader.line_num
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", str(path)) from None
    except csv.Error as exc:
        raise InputError(f"not a readable csv file ({exc})", str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", str(path)) from None
    if not rows:
        raise InputError("no rows", str(path))
    return rows
