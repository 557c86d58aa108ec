"""One rule for where the shared (not redistributable) data lives."""

from __future__ import annotations

from detente.shared_data import shared_folder


def test_env_wins_then_the_current_directorys_neighbour(tmp_path, monkeypatch):
    monkeypatch.setenv("DETENTE_SHARED", str(tmp_path / "elsewhere"))
    assert shared_folder("data", "icb") == tmp_path / "elsewhere" / "data" / "icb"
    monkeypatch.delenv("DETENTE_SHARED")
    (tmp_path / "shared").mkdir()
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    assert shared_folder("data") == tmp_path / "shared" / "data"
    (tmp_path / "repo" / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "repo" / "sub")  # no ../shared here: beside the package's checkout
    assert shared_folder("data").parts[-2:] == ("shared", "data") and not shared_folder().is_relative_to(tmp_path)
