"""Word segmentation with jieba and Kesu's domain user dictionary (``lexicons/userdict.txt``).

A private ``jieba.Tokenizer`` is used (not jieba's global one) so that the host process's own use of
jieba is not changed by our dictionary. It is built once per process (jieba reads its prefix cache,
~0.5 s) and reused.
"""

from __future__ import annotations

import functools
import logging
import re

import jieba

from kesu.triage.resources import user_dict_paths

_WORDLIKE = re.compile(r"[\u4e00-\u9fffa-z0-9]")

jieba.setLogLevel(logging.WARNING)


@functools.cache
def tokenizer() -> jieba.Tokenizer:
    tok = jieba.Tokenizer()
    tok.initialize()
    for path in user_dict_paths():
        tok.load_userdict(str(path))
    return tok


def tokens(text: str) -> list[str]:
    """Words of ``text`` (already normalised), without punctuation and spaces."""
    return [w for w in tokenizer().lcut(text, HMM=True) if _WORDLIKE.search(w)]
