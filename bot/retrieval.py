"""Lexical search over the knowledge base (BM25), on lemmas with the SEND glossary folded in.

Rasa's ResponseSelector learns from the example questions; this search reads the answers
themselves too, so it can back up (or overrule, when the two disagree and the classifier is
unsure) the classifier, and it is the no-NLU baseline the evaluation compares against.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Iterable, List, Optional, Sequence, Tuple

from rank_bm25 import BM25Okapi

from bot.nlp import load_pipeline

# Words that carry no topic in parents' questions (on top of spaCy's English stop words).
EXTRA_STOP_WORDS = {
    "child", "son", "daughter", "kid", "school", "please", "hi", "hello", "thank", "thanks",
    "know", "tell", "ask", "question", "want", "need", "help", "say", "get", "think", "really",
}


def terms(text: str) -> List[str]:
    """Content terms of `text`: glossary entities become one term each (their label), other words
    their lower-case lemma, without stop words and punctuation."""
    doc = load_pipeline()(text)
    out: List[str] = []
    in_entity = set()
    for ent in doc.ents:
        out.append(ent.label_.lower())
        in_entity.update(range(ent.start, ent.end))
    for token in doc:
        if token.i in in_entity or token.is_punct or token.is_space:
            continue
        lemma = token.lemma_.lower()
        if token.is_stop or lemma in EXTRA_STOP_WORDS or len(lemma) < 2:
            continue
        out.append(lemma)
    return out


@dataclass(frozen=True)
class Document:
    entry_id: str
    text: str


class LexicalIndex:
    """BM25 over one document per entry: its question, answer and example questions."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.ids = [d.entry_id for d in documents]
        corpus = [terms(d.text) or ["_empty_"] for d in documents]
        self._bm25 = BM25Okapi(corpus)

    @classmethod
    def from_entries(cls, entries: Iterable[object]) -> "LexicalIndex":
        docs = []
        for entry in entries:
            parts = [getattr(entry, "title", ""), getattr(entry, "body", ""), *getattr(entry, "examples", [])]
            docs.append(Document(entry_id=getattr(entry, "id"), text="\n".join(parts)))
        return cls(docs)

    def search(self, text: str, k: int = 3) -> List[Tuple[str, float]]:
        query = terms(text)
        if not query:
            return []
        scores = self._bm25.get_scores(query)
        ranked = sorted(zip(self.ids, scores), key=lambda pair: pair[1], reverse=True)
        return [(entry_id, float(score)) for entry_id, score in ranked[:k] if score > 0]


_index_lock = threading.Lock()
_index: Tuple[int, Optional[LexicalIndex]] = (-1, None)


def index_for(content: Any) -> LexicalIndex:
    """The BM25 index for a published content version (`content.version`, `content.entries`),
    built once per version: the action server and the staff area's search share it."""
    global _index
    with _index_lock:
        if _index[0] != content.version or _index[1] is None:
            _index = (content.version, LexicalIndex.from_entries(content.entries.values()))
        return _index[1]
