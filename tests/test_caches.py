"""The start-up caches (vocabulary, matcher, outcome model) and the `kg` entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kg import resources


def test_cached_makes_once_then_loads_and_remakes_a_damaged_file(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    made = []

    def make() -> dict:
        made.append(1)
        return {"value": len(made)}

    assert resources.cached("thing", "k1", make) == {"value": 1}
    assert resources.cached("thing", "k1", make) == {"value": 1} and len(made) == 1  # loaded, not made
    (tmp_path / "thing" / "k1.pickle").write_bytes(b"\x80\x05truncated")
    assert resources.cached("thing", "k1", make) == {"value": 2}  # a damaged file is made again
    assert resources.cached("thing", "k1", make) == {"value": 2}


def test_cached_restore_may_refuse_an_outdated_state(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    resources.cached("thing", "k", lambda: {"format": 1})

    def restore(state: dict) -> dict:
        if state["format"] != 2:
            raise ValueError("old")
        return state

    assert resources.cached("thing", "k", lambda: {"format": 2}, restore=restore) == {"format": 2}


def test_cached_keeps_only_the_most_recent_other_key(tmp_path, monkeypatch) -> None:
    """A new version's file replaces all but the last other one: the folder does not grow without end."""
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    for age, key in enumerate(("v1", "v2", "v3")):
        resources.cached("thing", key, lambda key=key: key)
        os.utime(tmp_path / "thing" / f"{key}.pickle", (1000 + age, 1000 + age))
    resources.cached("thing", "v4", lambda: "v4")
    assert sorted(p.name for p in (tmp_path / "thing").iterdir()) == ["v3.pickle", "v4.pickle"]


def test_cached_without_a_writable_folder_still_answers(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("KG_CACHE_DIR", str(blocker))
    assert resources.cached("thing", "k", lambda: 42) == 42


def test_outcome_model_from_the_cache_is_the_parsed_one(tmp_path, monkeypatch) -> None:
    from kg.extract import outcome_model

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    parsed = outcome_model.OutcomeModel.from_json(outcome_model.MODEL_FILE.read_text(encoding="utf-8"))
    outcome_model.default_model.cache_clear()
    try:
        made, loaded = outcome_model.default_model(), None
        outcome_model.default_model.cache_clear()
        loaded = outcome_model.default_model()
    finally:
        outcome_model.default_model.cache_clear()
    assert list((tmp_path / "outcome-model").glob("*.pickle"))
    features = ("bias", "lex:negated_result", "w:improve", "stat:p_nonsig")
    for model in (made, loaded):
        assert model.weights == parsed.weights and model.outcomes(features) == parsed.outcomes(features)


def test_entry_point_keeps_exit_status_and_output(tmp_path) -> None:
    """`kg` ends without tearing down its objects, after flushing what it wrote."""
    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path / "cache")}
    code = "from kg.cli import main; main()"
    done = subprocess.run([sys.executable, "-c", code, "--help"], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0 and "build" in done.stdout
    done = subprocess.run([sys.executable, "-c", code, "nosuch"], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 2 and "nosuch" in done.stderr
    missing = tmp_path / "missing.txt"
    done = subprocess.run([sys.executable, "-c", code, "build", str(missing), "-o", str(tmp_path / "x.nq"), "-q"],
                          capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 2 and "no such file" in done.stderr and not Path(tmp_path / "x.nq").exists()


def test_cached_file_that_cannot_be_touched_is_still_loaded(tmp_path, monkeypatch) -> None:
    """A cache folder another user owns: its files are read, not made again at every start."""
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    resources.cached("thing", "k", lambda: "made once")

    def refuse(*args, **kwargs) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(resources.os, "utime", refuse)
    assert resources.cached("thing", "k", lambda: "made again") == "made once"
