"""Loading of the data files (YAML lexicons, the jieba user dictionary) that drive the engine.

The files ship inside the package (``kesu/triage/lexicons``). An administrator extends them without
touching code by pointing ``KESU_TRIAGE_LEXICON_DIR`` at a folder holding files of the same names: their
mappings are merged into the shipped ones (their values win) and their lists are appended. Everything is
read once per process and cached; ``reload()`` clears the caches (tests, or after an edit).
"""

from __future__ import annotations

import functools
import logging
import os
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)

LEXICON_DIR_ENV = "KESU_TRIAGE_LEXICON_DIR"


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        return base + extra
    return extra


def shipped_path(name: str) -> Path:
    return Path(str(resources.files("kesu.triage").joinpath("lexicons", name)))


@functools.cache
def load_yaml(name: str) -> dict[str, Any]:
    """The shipped YAML file ``name`` merged with the administrator's file of the same name, if any."""
    with shipped_path(name).open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    override_dir = os.environ.get(LEXICON_DIR_ENV)
    if override_dir:
        extra_path = Path(override_dir) / name
        if extra_path.is_file():
            try:
                with extra_path.open(encoding="utf-8") as fh:
                    extra = yaml.safe_load(fh) or {}
                data = _merge(data, extra)
            except (OSError, yaml.YAMLError) as exc:  # a broken admin file must not stop triage
                log.error("triage: ignoring unreadable lexicon override %s: %s", extra_path, exc)
    return data


def user_dict_paths() -> list[Path]:
    paths = [shipped_path("userdict.txt")]
    override_dir = os.environ.get(LEXICON_DIR_ENV)
    if override_dir and (Path(override_dir) / "userdict.txt").is_file():
        paths.append(Path(override_dir) / "userdict.txt")
    return paths


def reload() -> None:
    """Forget every cached lexicon, matcher and tokenizer so the next call reads the files again."""
    load_yaml.cache_clear()
    from kesu.triage.engine import reset  # local import: engine imports this module

    reset()
