"""The one ICB csv reader both the backtest and the drafter's evaluation use (detente.icb_data)."""

from __future__ import annotations

import pytest

from detente.errors import InputError
from detente.icb_data import read_icb_csv


def test_rows_carry_the_line_they_start_on(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text('crisno,text\n1,"one\nline two"\n2,plain\n', encoding="utf-8")
    rows = read_icb_csv(p, ["crisno"])
    assert [(line, r["crisno"]) for line, r in rows] == [(2, "1"), (4, "2")]
    assert rows[0][1]["text"] == "one\nline two"


@pytest.mark.parametrize(("content", "message"), [
    (None, "ICB file not found (where)"),
    ("folder", "ICB file not found (where)"),  # a folder in the file's place: no IsADirectoryError traceback
    (b"crisno\n", "no rows"),
    (b"a,b\n1,2\n", "field 'crisno': column missing (an ICB file needs crisno)"),
    (b"crisno\n\xff\xfe\n", "not UTF-8 text"),
])
def test_bad_files_are_one_line_errors_naming_the_file(tmp_path, content, message):
    p = tmp_path / "icb.csv"
    if content == "folder":
        p.mkdir()
    elif content is not None:
        p.write_bytes(content)
    with pytest.raises(InputError) as exc:
        read_icb_csv(p, ["crisno"], hint="where")
    text = str(exc.value)
    assert message in text and str(p) in text and "\n" not in text


def test_both_callers_use_it(tmp_path):
    from detente.backtest.icb import load_icb
    from detente.text.icb_eval import load_crises

    (tmp_path / "icb2v14-before1990.csv").mkdir()
    for load in (load_crises, lambda d: load_icb(d / "icb2v14-before1990.csv", d / "sys.csv")):
        with pytest.raises(InputError, match="ICB file not found"):
            load(tmp_path)
