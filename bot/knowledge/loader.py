"""Read `knowledge/`, check it whole, and hand back one consistent knowledge base.

Nothing half-valid is ever returned: either every file passes every check, or `KnowledgeError`
lists every problem found (file, entry, field, what to do). That is what lets the running assistant
keep serving the last good content when an edit is wrong.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple, Type, Union

import yaml
from pydantic import BaseModel, ValidationError

from bot.knowledge.schema import (
    FOLLOW_UP_KINDS,
    Answer,
    Citation,
    FollowUpRule,
    GlossaryTerm,
    Law,
    Myth,
    Paragraph,
    Service,
    Signpost,
)
from bot.settings import CODE_OF_PRACTICE_SOURCE, CODE_OF_PRACTICE_URL

Entry = Union[Answer, Myth]


class KnowledgeError(Exception):
    """The content has problems; `problems` holds one readable line for each."""

    def __init__(self, problems: List[str]) -> None:
        self.problems = problems
        super().__init__("The knowledge base has problems:\n" + "\n".join(f"- {p}" for p in problems))


@dataclass
class KnowledgeBase:
    answers: Dict[str, Answer]
    myths: Dict[str, Myth]
    councils: Dict[str, Service]
    national: Dict[str, Service]
    paragraphs: Dict[str, Paragraph]
    laws: Dict[str, Law]
    glossary: List[GlossaryTerm]
    fingerprint: str
    files: List[str] = field(default_factory=list)
    follow_up_rules: List[FollowUpRule] = field(default_factory=list)
    safeguarding: Optional[Signpost] = None
    nations: Dict[str, Signpost] = field(default_factory=dict)

    def topic_of(self, entry_id: str) -> Optional[str]:
        """An answer's topic; for a myth, the topic of the first related answer (a myth is about
        what its true position is about)."""
        if entry_id in self.answers:
            return self.answers[entry_id].topic
        myth = self.myths.get(entry_id)
        if myth:
            return next((self.answers[r].topic for r in myth.related if r in self.answers), None)
        return None

    def follow_ups_of(self, entry_id: str) -> Dict[str, str]:
        """Where each follow-up leads after this entry: its topic's rule, then any rule naming
        the entry itself (which wins)."""
        result: Dict[str, str] = {}
        topic = self.topic_of(entry_id)
        for specific in (False, True):
            for rule in self.follow_up_rules:
                if (entry_id in rule.entries) if specific else (rule.topic is not None and rule.topic == topic):
                    result.update({k: getattr(rule, k) for k in FOLLOW_UP_KINDS if getattr(rule, k)})
        return result

    def entry(self, entry_id: str) -> Optional[Entry]:
        return self.answers.get(entry_id) or self.myths.get(entry_id)

    def entries(self) -> Iterable[Entry]:
        yield from self.answers.values()
        yield from self.myths.values()

    def render_citation(self, citation: Citation) -> Dict[str, Optional[str]]:
        """A citation in the gateway's shape: source, paragraph (as printed in the Code), section,
        title and url. `paragraph` is null for a citation of an Act or Regulations."""
        if citation.paragraph:
            heading = self.paragraphs[citation.paragraph].heading
            return {
                "source": CODE_OF_PRACTICE_SOURCE,
                "paragraph": citation.paragraph,
                "section": None,
                "title": heading,
                "label": citation_label(citation.paragraph),
                "url": citation.url or CODE_OF_PRACTICE_URL,
            }
        law = self.laws[citation.law or ""]
        number = re.match(r"\s*(?:Schedule\s+)?(\d+)", citation.section or "")
        kind = "schedule" if (citation.section or "").lower().startswith("schedule") else law.unit
        url = law.url.format(kind=kind, number=number.group(1) if number else "")
        section_text = citation.section if kind == "schedule" else f"{law.unit} {citation.section}"
        return {
            "source": law.name,
            "paragraph": None,
            "section": section_text,
            "title": f"{law.name}, {section_text}",
            "label": f"{law.name}, {section_text}",
            "url": citation.url or url,
        }


def citation_label(paragraph: str) -> str:
    """How a parent sees a Code citation: 'SEND Code of Practice, paragraph 6.45'."""
    plural = " to " in paragraph or "," in paragraph
    return f"SEND Code of Practice, paragraph{'s' if plural else ''} {paragraph}"


def _read_yaml(path: Path, rel: str, problems: List[str]) -> Any:
    """The file's data; None (with a problem recorded) if it is unreadable, not YAML, or empty.
    An empty file is an error, not "no content": emptying services.yml must not silently remove
    every SENDIASS phone number."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problems.append(f"{rel}{where}: this is not valid YAML: {getattr(error, 'problem', error)}")
        return None
    except OSError as error:
        problems.append(f"{rel}: cannot be read: {error}")
        return None
    if data is None:
        problems.append(f"{rel}: the file is empty (or all comments); delete it or give it content")
    return data


def _field_path(loc: Tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if part == "__root__":
            continue
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(the entry)"


def _parse_list(
    data: Any, key: str, model: Type[BaseModel], problems: List[str], rel: str, sources: Dict[int, str]
) -> List[Any]:
    """Parse the `key:` list of one file; `sources` remembers each item's file for later errors."""
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        problems.append(f"{rel}: must have a top-level '{key}:' list")
        return []
    parsed = []
    for index, raw in enumerate(data[key]):
        label = raw.get("id") or raw.get("number") or raw.get("label") if isinstance(raw, dict) else None
        where = f"{rel}: entry '{label}'" if label else f"{rel}: entry {index + 1}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: must be a mapping of field: value")
            continue
        try:
            item = model.parse_obj(raw)
            sources[id(item)] = rel
            parsed.append(item)
        except ValidationError as error:
            for item in error.errors():
                message = item["msg"]
                if message == "field required":
                    message = "is missing (this field is required)"
                elif message.startswith("extra fields not permitted"):
                    message = "is not a field we know (check the spelling against knowledge/README.md)"
                problems.append(f"{where}: field '{_field_path(item['loc'])}' {message}")
    return parsed


def load_knowledge(directory: Path) -> KnowledgeBase:
    """Load and check everything under `directory`; raise KnowledgeError listing all problems."""
    directory = Path(directory)
    problems: List[str] = []
    files: List[Path] = []
    sources: Dict[int, str] = {}  # id(parsed item) -> file, so cross-check errors name the file

    def rel(path: Path) -> str:
        try:
            return str(path.relative_to(directory.parent))
        except ValueError:
            return str(path)

    def load_many(pattern: str, key: str, model: Type[BaseModel], required: bool = True) -> List[Any]:
        paths = sorted(directory.glob(pattern))
        if required and not paths:
            problems.append(f"{directory.name}/{pattern}: no such file")
        items: List[Any] = []
        for path in paths:
            files.append(path)
            name = rel(path)
            data = _read_yaml(path, name, problems)
            if data is not None:
                items.extend(_parse_list(data, key, model, problems, name, sources))
        return items

    paragraphs = load_many("code_index/*.yml", "paragraphs", Paragraph)
    laws = load_many("laws.yml", "laws", Law)
    answers = load_many("answers/*.yml", "answers", Answer)
    myths = load_many("myths.yml", "myths", Myth, required=False)
    glossary = load_many("glossary.yml", "terms", GlossaryTerm, required=False)
    councils = load_many("services.yml", "councils", Service, required=False)
    national = load_many("services.yml", "national", Service, required=False)
    follow_up_rules = load_many("follow_ups.yml", "follow_ups", FollowUpRule, required=False)
    safeguarding = load_many("signposts.yml", "safeguarding", Signpost, required=False)
    nations = load_many("signposts.yml", "nations", Signpost, required=False)

    paragraph_index: Dict[str, Paragraph] = {}
    for paragraph in paragraphs:
        if paragraph.number in paragraph_index:
            problems.append(f"code_index: paragraph '{paragraph.number}' is listed twice")
        paragraph_index[paragraph.number] = paragraph
    law_index = {law.id: law for law in laws}

    entries: Dict[str, Tuple[str, Entry]] = {}
    for kind, items in (("answer", answers), ("myth", myths)):
        for entry in items:
            if entry.id in entries:
                problems.append(
                f"{sources.get(id(entry), 'knowledge')}: {kind} '{entry.id}': field 'id' is "
                "used by another entry too; ids must be unique"
            )
            entries[entry.id] = (kind, entry)

    for entry_id, (kind, entry) in entries.items():
        where = f"{sources.get(id(entry), 'knowledge')}: {kind} '{entry_id}'"
        for index, citation in enumerate(entry.citations):
            if citation.paragraph and citation.paragraph not in paragraph_index:
                problems.append(
                    f"{where}: field 'citations[{index}].paragraph': unknown paragraph "
                    f"'{citation.paragraph}': it is not in knowledge/code_index/ (check the number "
                    "against the Code; cite only checked numbers)"
                )
            if citation.law and citation.law not in law_index:
                problems.append(
                    f"{where}: field 'citations[{index}].law': unknown law '{citation.law}' "
                    f"(known: {', '.join(sorted(law_index))})"
                )
        for related in entry.related:
            if related not in entries:
                problems.append(f"{where}: field 'related': no entry has the id '{related}'")
            elif related == entry_id:
                problems.append(f"{where}: field 'related': an entry cannot be related to itself")
        if getattr(entry, "claim_pattern", None):
            opposites = [
                other for other_kind, other in (entries.get(r, (None, None)) for r in entry.related)
                if other_kind == "myth" and other.verdict != entry.verdict  # type: ignore[union-attr]
            ]
            if not opposites:
                problems.append(
                    f"{where}: field 'claim_patterns': only used to tell a claim from its opposite; "
                    "relate this entry to a myth or true statement with the other verdict"
                )
            for other in opposites:
                if not getattr(other, "claim_pattern", None):
                    problems.append(
                        f"{where}: field 'claim_patterns': its opposite '{other.id}' needs claim_patterns "
                        "too, or a message stating neither would be read as this claim"
                    )
        quote = getattr(entry, "quote", None)
        if quote and quote.paragraph not in paragraph_index:
            problems.append(f"{where}: field 'quote.paragraph': unknown paragraph '{quote.paragraph}'")

    for index, rule in enumerate(follow_up_rules):
        where = f"{sources.get(id(rule), 'follow_ups.yml')}: follow-up rule {index + 1}"
        for name in ("entries",) + FOLLOW_UP_KINDS:
            value = getattr(rule, name)
            for target in value if isinstance(value, list) else [value] if value else []:
                if target not in entries:
                    problems.append(f"{where}: field '{name}': no entry has the id '{target}'")
    if len(safeguarding) > 1:
        problems.append("signposts.yml: give one 'safeguarding' message, not several")
    places: Dict[str, str] = {}
    for nation in nations:
        for place in nation.places:
            if place.lower() in places:
                problems.append(f"signposts.yml: place '{place}' is listed under both '{places[place.lower()]}' and '{nation.id}'")
            places[place.lower()] = nation.id

    service_ids: Dict[str, Service] = {}
    for service in list(councils) + list(national):
        if service.id in service_ids:
            problems.append(f"services.yml: service '{service.id}' is listed twice")
        service_ids[service.id] = service
    for council in councils:
        if not council.council:
            problems.append(f"services.yml: council '{council.id}': field 'council' is missing")

    if problems:
        raise KnowledgeError(problems)

    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path.relative_to(directory)).encode())
        digest.update(path.read_bytes())

    return KnowledgeBase(
        answers={a.id: a for a in answers},
        myths={m.id: m for m in myths},
        councils={c.id: c for c in councils},
        national={n.id: n for n in national},
        paragraphs=paragraph_index,
        laws=law_index,
        glossary=list(glossary),
        fingerprint=digest.hexdigest(),
        files=[str(p) for p in files],
        follow_up_rules=list(follow_up_rules),
        safeguarding=safeguarding[0] if safeguarding else None,
        nations={n.id: n for n in nations},
    )
