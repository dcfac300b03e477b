"""Our spaCy pipeline: a blank English pipeline, lookup lemmas and the SEND glossary as entities.

Built from packaged data only (spaCy's blank "en", spacy-lookups-data), never downloaded, so it
builds the same on a council's air-gapped server as on a laptop. Rasa's SpacyNLP loads the folder
this writes; the lexical search uses the same pipeline so that "EHCP", "ehc plan" and "education
health and care plan" mean one thing to both.

    python -m bot.nlp build    # writes build/spacy/en_send (skips if the glossary has not changed)
"""
from __future__ import annotations

import hashlib
import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Dict, List

import spacy
import yaml
from spacy.language import Language

from bot.settings import PROJECT_ROOT

PIPELINE_DIR = PROJECT_ROOT / "build" / "spacy" / "en_send"
GLOSSARY = PROJECT_ROOT / "knowledge" / "glossary.yml"
BUILD_FILES = (GLOSSARY, Path(__file__))


def _glossary(glossary: Path) -> dict:
    return (yaml.safe_load(glossary.read_text(encoding="utf-8")) if glossary.exists() else None) or {}


def _glossary_terms(glossary: Path) -> List[dict]:
    return list(_glossary(glossary).get("terms") or [])


def short_forms(glossary: Path = GLOSSARY) -> Dict[str, str]:
    """Parents' short forms of everyday words ("wks", "yrs") and the word each stands for."""
    return {str(k).lower(): str(v).lower() for k, v in (_glossary(glossary).get("short_forms") or {}).items()}


@lru_cache(maxsize=1)
def everyday_labels(glossary: Path = GLOSSARY) -> frozenset:
    """Glossary labels for words that are not only about SEND ("the council"): such an entity
    alone does not make a message about SEND (`send_specific: false` in the glossary)."""
    return frozenset(t["label"] for t in _glossary_terms(glossary) if t.get("send_specific") is False)


@lru_cache(maxsize=1)
def elsewhere_labels(glossary: Path = GLOSSARY) -> frozenset:
    """Glossary labels for what other services deal with ("council tax", "school admissions"): a
    message with one of these and no SEND term is not about SEND (`elsewhere: true`)."""
    return frozenset(t["label"] for t in _glossary_terms(glossary) if t.get("elsewhere"))


def build_pipeline(glossary: Path = GLOSSARY) -> Language:
    """A blank English pipeline with a lookup lemmatizer and an EntityRuler from the glossary."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lemma tables from spacy-lookups-data (installed, not downloaded)
    # The lookup is by the token's own text, so both spellings parents use at the start of a line.
    lemmas = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    for form, word in short_forms(glossary).items():
        lemmas.set(form, word)
        lemmas.set(form.capitalize(), word)
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True})
    patterns = []
    for term in _glossary_terms(glossary):
        for variant in {term["canonical"], *term.get("variants", [])}:
            patterns.append({"label": term["label"], "pattern": str(variant), "id": term["canonical"]})
    ruler.add_patterns(patterns)
    nlp.meta["name"] = "send"
    nlp.meta["description"] = "Blank English + lookup lemmas + SEND glossary entities (built locally)"
    return nlp


def _inputs_digest() -> str:
    digest = hashlib.sha256()
    for path in BUILD_FILES:
        if path.exists():
            digest.update(path.read_bytes())
    digest.update(spacy.__version__.encode())
    return digest.hexdigest()


def ensure_pipeline(target: Path = PIPELINE_DIR) -> Path:
    """Build the pipeline into `target` unless the copy there was built from the same inputs."""
    stamp = target / "send_build.json"
    digest = _inputs_digest()
    if stamp.exists() and json.loads(stamp.read_text()).get("inputs") == digest:
        return target
    nlp = build_pipeline()
    target.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    stamp.write_text(json.dumps({"inputs": digest}))
    return target


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The built pipeline (built first if need be), loaded once per process."""
    return spacy.load(ensure_pipeline())


def main(argv: List[str]) -> int:
    if argv[:1] == ["build"]:
        path = ensure_pipeline()
        print(f"spaCy pipeline ready in {path.relative_to(PROJECT_ROOT)}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
