"""The knowledge base, as a content editor and a parent see it.

A SENDIASS officer edits the YAML in `knowledge/`; a parent reads the answers, citations and phone
numbers built from it. These tests check what either of them would notice: the real content loads,
every cited paragraph number is one we may cite, a broken edit is refused with a message that says
which file and which field to fix, and a refused edit never takes the live content down.

Fast: no Rasa server, no network. The database tests use a SQLite file in pytest's tmp_path.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

from bot.knowledge.loader import KnowledgeBase, KnowledgeError, load_knowledge
from bot.knowledge.schema import Citation
from bot.knowledge.store import ContentRepository, load_and_publish

PROJECT = Path(__file__).resolve().parent.parent
KNOWLEDGE = PROJECT / "knowledge"
SEEDS = PROJECT.parent / "shared" / "seeds"
HALTON_SEED = SEEDS / "000_175b3ac47789d278.txt"
CODE_URL = "https://www.gov.uk/government/publications/send-code-of-practice-0-to-25"

#: Paragraph numbers that cop_map.md marks NOT VERIFIED and that other sites often cite wrongly.
MIS_CITED = ("6.63", "9.16", "6.98", "6.99", "9.62", "9.3", "6.84", "6.91", "6.36", "6.27")


# --- helpers ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    """The real knowledge base, loaded once for the read-only tests."""
    return load_knowledge(KNOWLEDGE)


def copy_knowledge(tmp_path: Path, name: str = "knowledge") -> Path:
    """A private copy of the real knowledge directory that a test may break."""
    target = tmp_path / name
    shutil.copytree(KNOWLEDGE, target)
    return target


def good_answer(**changes: Any) -> Dict[str, Any]:
    """A small answer entry that passes every check; each test changes one thing."""
    entry: Dict[str, Any] = {
        "id": "test-entry",
        "title": "Can I ask for an EHC needs assessment myself?",
        "topic": "ehc-assessment",
        "citations": [{"paragraph": "9.14"}],
        "answer": "Yes. You can ask the local authority yourself.",
        "related": ["what-is-sendiass"],
        "examples": [f"test question number {n}" for n in range(1, 9)],
        "reviewed": "2026-11-23",
    }
    entry.update(changes)
    return entry


def write_answer(directory: Path, entry: Dict[str, Any], filename: str = "x.yml") -> Path:
    path = directory / "answers" / filename
    path.write_text(yaml.safe_dump({"answers": [entry]}, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def problems_of(directory: Path) -> str:
    """Load `directory`, expect it to be refused, and return the whole error message."""
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    return str(caught.value)


def refusal_naming_the_entry(directory: Path) -> str:
    """The problems reported for the test entry, after checking they name its file and id."""
    message = problems_of(directory)
    assert "answers/x.yml" in message and "test-entry" in message
    return message


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- 1. the real content ------------------------------------------------------------------------

def test_real_knowledge_loads_with_enough_content(kb: KnowledgeBase) -> None:
    """The shipped content loads without problems, and a parent gets a broad range of answers,
    the common myths, and their local service for Halton."""
    assert len(kb.answers) >= 60
    assert len(kb.myths) >= 12
    assert "halton" in kb.councils


# --- 2. paragraph numbers ------------------------------------------------------------------------

def test_every_cited_paragraph_is_in_the_index(kb: KnowledgeBase) -> None:
    """Every Code paragraph a parent is shown (in answers, myths and quotations) is one we have
    checked: it is listed in knowledge/code_index/."""
    cited = []
    for entry in kb.entries():
        cited += [(entry.id, c.paragraph) for c in entry.citations if c.paragraph]
        quote = getattr(entry, "quote", None)
        if quote:
            cited.append((entry.id, quote.paragraph))
    assert cited, "expected some Code citations"
    missing = [(entry_id, number) for entry_id, number in cited if number not in kb.paragraphs]
    assert missing == []


def test_unknown_paragraph_is_refused_naming_file_entry_and_field(tmp_path: Path) -> None:
    """An editor who cites a paragraph that is not in the index is told the file, the entry and
    the field to fix."""
    directory = copy_knowledge(tmp_path)
    write_answer(directory, good_answer(citations=[{"paragraph": "6.63"}]))
    message = problems_of(directory)
    assert "answers/x.yml" in message
    assert "test-entry" in message
    assert "citations[0].paragraph" in message
    assert "6.63" in message


# --- 3. numbers we must never cite -----------------------------------------------------------------

@pytest.mark.parametrize("number", MIS_CITED)
def test_commonly_miscited_numbers_are_not_in_the_index(kb: KnowledgeBase, number: str) -> None:
    """Numbers the reference map marks NOT VERIFIED, and that other sites often get wrong, can
    never be shown to a parent: they are not in the index (cite the range or the law instead)."""
    assert number not in kb.paragraphs


# --- 4. malformed content fails with a useful message -----------------------------------------------

def test_the_test_answer_itself_is_valid(tmp_path: Path) -> None:
    """The entry the next tests break is valid on its own, so each failure below is caused by the
    one change the test makes."""
    directory = copy_knowledge(tmp_path)
    write_answer(directory, good_answer())
    kb = load_knowledge(directory)
    assert "test-entry" in kb.answers


def test_answer_missing_answer_text(tmp_path: Path) -> None:
    """An entry without `answer:` is refused: there would be nothing to tell the parent."""
    directory = copy_knowledge(tmp_path)
    entry = good_answer()
    del entry["answer"]
    write_answer(directory, entry)
    message = refusal_naming_the_entry(directory)
    assert "field 'answer' is missing" in message


def test_citation_with_bad_url(tmp_path: Path) -> None:
    """A citation link that is not a web address is refused, naming the field."""
    directory = copy_knowledge(tmp_path)
    write_answer(directory, good_answer(citations=[{"paragraph": "9.14", "url": "not-a-url"}]))
    message = refusal_naming_the_entry(directory)
    assert "citations[0].url" in message
    assert "not-a-url" in message


def test_service_with_bad_website(tmp_path: Path) -> None:
    """A SENDIASS website that is not a web address is refused, naming services.yml, the council
    and the field, so a parent is never sent to a broken link."""
    directory = copy_knowledge(tmp_path)
    services = directory / "services.yml"
    text = services.read_text(encoding="utf-8")
    assert "value: https://sendiasshalton.co.uk/" in text
    services.write_text(text.replace("value: https://sendiasshalton.co.uk/", "value: htp:/x"), encoding="utf-8")
    message = problems_of(directory)
    assert "services.yml" in message and "halton" in message
    assert "field 'website'" in message
    assert "htp:/x" in message


def test_invalid_yaml_names_file_and_line(tmp_path: Path) -> None:
    """A file that is not valid YAML (here, a line indented wrongly) is refused with the file name
    and the line to look at."""
    directory = copy_knowledge(tmp_path)
    (directory / "answers" / "x.yml").write_text(
        "answers:\n"
        "  - id: test-entry\n"
        "    title: A question\n"
        "   topic: sendiass\n",  # line 4: one space short
        encoding="utf-8",
    )
    message = problems_of(directory)
    assert "x.yml" in message
    assert "not valid YAML" in message
    assert re.search(r"x\.yml \(line 4\)", message), message


def test_invalid_yaml_names_the_folder_too(tmp_path: Path) -> None:
    """With two files called ehc.yml (answers/ and code_index/), the editor needs the folder too."""
    directory = copy_knowledge(tmp_path)
    (directory / "code_index" / "ehc.yml").write_text("paragraphs:\n  - number: \"9.1\n   bad\n: :\n", encoding="utf-8")
    message = problems_of(directory)
    assert "code_index/ehc.yml" in message


def test_misspelt_field_name(tmp_path: Path) -> None:
    """A misspelt field is refused rather than silently ignored (otherwise the examples would
    quietly vanish from training)."""
    directory = copy_knowledge(tmp_path)
    entry = good_answer()
    entry["exmaples"] = entry.pop("examples")
    write_answer(directory, entry)
    message = refusal_naming_the_entry(directory)
    assert "field 'exmaples' is not a field we know" in message


def test_answer_over_the_word_limit(tmp_path: Path) -> None:
    """An answer far longer than about 120 words is refused: parents need short answers."""
    directory = copy_knowledge(tmp_path)
    write_answer(directory, good_answer(answer=" ".join(["word"] * 200)))
    message = refusal_naming_the_entry(directory)
    assert "field 'answer' is 200 words long" in message


def test_fewer_than_eight_examples(tmp_path: Path) -> None:
    """Each entry needs at least 8 example questions, or the assistant cannot learn to recognise it."""
    directory = copy_knowledge(tmp_path)
    write_answer(directory, good_answer(examples=[f"question {n}" for n in range(1, 8)]))
    message = refusal_naming_the_entry(directory)
    assert "field 'examples' needs at least 8 example questions, has 7" in message


def test_related_id_that_does_not_exist(tmp_path: Path) -> None:
    """A 'see also' link to an entry that does not exist is refused, so a parent never gets a
    dead link."""
    directory = copy_knowledge(tmp_path)
    write_answer(directory, good_answer(related=["no-such-entry"]))
    message = refusal_naming_the_entry(directory)
    assert "field 'related'" in message and "no-such-entry" in message


def test_emptied_services_file_is_refused(tmp_path: Path) -> None:
    """An editor who accidentally saves services.yml empty must not take every phone number away."""
    directory = copy_knowledge(tmp_path)
    (directory / "services.yml").write_text("# all commented out\n", encoding="utf-8")
    message = problems_of(directory)
    assert "services.yml" in message


# --- 5. quotations ------------------------------------------------------------------------------

def test_every_quote_is_word_for_word_in_its_seed(kb: KnowledgeBase) -> None:
    """A quotation shown to a parent as the Code's own words is printed, word for word, in the
    seed leaflet it names."""
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is not present")
    quoted = [entry for entry in kb.entries() if getattr(entry, "quote", None)]
    assert quoted, "expected some quotations"
    for entry in quoted:
        seed = SEEDS / entry.quote.seed
        assert seed.is_file(), f"{entry.id}: seed {entry.quote.seed} does not exist"
        assert collapse(entry.quote.text) in collapse(seed.read_text(encoding="utf-8")), entry.id


# --- 6. contact details ---------------------------------------------------------------------------

def test_halton_phone_is_the_one_printed_in_the_leaflet(kb: KnowledgeBase) -> None:
    """A parent in Halton is given exactly the number the Halton SENDIASS leaflet prints."""
    phone = kb.councils["halton"].phone
    assert phone is not None and phone.value == "0151 511 7733"
    if not HALTON_SEED.is_file():
        pytest.skip(f"{HALTON_SEED} is not present")
    assert "0151 511 7733" in HALTON_SEED.read_text(encoding="utf-8")


def test_every_contact_detail_has_a_source_and_a_date(kb: KnowledgeBase) -> None:
    """No contact detail is invented: each names where it was read and when it was checked."""
    seen = 0
    for service in list(kb.councils.values()) + list(kb.national.values()):
        for name in ("phone", "email", "website", "opening_hours"):
            detail = getattr(service, name)
            if detail is None:
                continue
            seen += 1
            assert detail.value.strip(), f"{service.id}.{name}: empty value"
            assert detail.source.strip(), f"{service.id}.{name}: no source"
            assert detail.checked is not None, f"{service.id}.{name}: no checked date"
    assert seen > 0


# --- 7. how citations are shown ------------------------------------------------------------------

def test_code_citation_links_to_the_official_code(kb: KnowledgeBase) -> None:
    """A Code citation shows the paragraph as printed and links to the Code on GOV.UK."""
    shown = kb.render_citation(Citation(paragraph="6.45"))
    assert shown["source"] == "SEND Code of Practice (2015)"
    assert shown["paragraph"] == "6.45"
    assert shown["url"] == CODE_URL
    assert "6.45" in shown["label"]


def test_law_citation_links_to_the_section_on_legislation_gov_uk(kb: KnowledgeBase) -> None:
    """A citation of the Children and Families Act shows the section and links to it."""
    shown = kb.render_citation(Citation(law="cfa-2014", section="36(8)"))
    assert shown["paragraph"] is None
    assert shown["url"] == "https://www.legislation.gov.uk/ukpga/2014/6/section/36"
    assert "section 36(8)" in shown["label"]


# --- 8. publishing keeps the last good content -----------------------------------------------------

def test_bad_edit_keeps_last_good_content_and_text_edit_goes_live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A refused edit changes nothing parents see; a good edit of an answer's text goes live at
    once with a newer version (no retraining needed)."""
    url = f"sqlite:///{tmp_path / 'assistant.db'}"
    monkeypatch.setenv("DATABASE_URL", url)

    good = copy_knowledge(tmp_path, "good")
    kb = load_and_publish(knowledge_dir=good, url=url)
    first = ContentRepository(url).current()
    assert first.version >= 1
    assert set(first.entries) == set(kb.answers) | set(kb.myths)
    assert first.services["halton"].detail("phone") == "0151 511 7733"

    broken = copy_knowledge(tmp_path, "broken")
    write_answer(broken, good_answer(citations=[{"paragraph": "6.63"}]))
    with pytest.raises(KnowledgeError):
        load_and_publish(knowledge_dir=broken, url=url)
    after = ContentRepository(url).current()
    assert after.version == first.version
    assert set(after.entries) == set(first.entries)
    assert {i: e.body for i, e in after.entries.items()} == {i: e.body for i, e in first.entries.items()}

    edited = copy_knowledge(tmp_path, "edited")
    path = edited / "answers" / "general.yml"
    text = path.read_text(encoding="utf-8")
    old = "SENDIASS is your local Special Educational Needs and Disabilities Information, Advice and"
    assert old in text
    path.write_text(text.replace(old, "SENDIASS (edited) is your local Special Educational Needs and Disabilities Information, Advice and"), encoding="utf-8")
    load_and_publish(knowledge_dir=edited, url=url)
    latest = ContentRepository(url).current()
    assert latest.version > first.version
    assert latest.entries["what-is-sendiass"].body.startswith("SENDIASS (edited) is your local")
    assert latest.entries["what-is-sendiass"].examples == first.entries["what-is-sendiass"].examples


# --- 9. the command line ---------------------------------------------------------------------------

def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-m", "bot.knowledge", *args], cwd=PROJECT, env=environment,
        capture_output=True, text=True, timeout=300,
    )


def test_cli_validate_accepts_the_real_content() -> None:
    """`python -m bot.knowledge validate` passes on the shipped content and reports the counts."""
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert "answers" in result.stdout


def test_cli_validate_refuses_a_broken_copy(tmp_path: Path) -> None:
    """On a broken copy the editor is told the file and field, and that nothing went live."""
    broken = copy_knowledge(tmp_path)
    write_answer(broken, good_answer(citations=[{"paragraph": "6.63"}]))
    result = run_cli("validate", KNOWLEDGE_DIR=str(broken))
    assert result.returncode == 1
    assert "answers/x.yml" in result.stderr
    assert "citations[0].paragraph" in result.stderr
    assert "last good content" in result.stderr


# --- 10. myths -------------------------------------------------------------------------------------

def test_myth_verdicts(kb: KnowledgeBase) -> None:
    """Each 'is it true that...' entry gives a clear verdict, and statements that are in fact true
    are present and not called myths."""
    verdicts = {myth.id: myth.verdict for myth in kb.myths.values()}
    assert set(verdicts.values()) <= {"myth", "true", "partly-true"}
    assert "true" in verdicts.values()


# --- claims with an opposite ---------------------------------------------------------------------

def _edit_myth(directory: Path, myth_id: str, **changes: Any) -> None:
    path = directory / "myths.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for myth in data["myths"]:
        if myth["id"] == myth_id:
            myth.update(changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_a_claim_pattern_that_is_not_a_regular_expression_is_refused(tmp_path: Path) -> None:
    directory = copy_knowledge(tmp_path)
    _edit_myth(directory, "myth-only-school-can-request", claim_patterns=[r"\bonly (school"])
    message = problems_of(directory)
    assert "myth-only-school-can-request" in message and "claim_patterns" in message
    assert "not a valid regular expression" in message


def test_claim_patterns_need_an_opposite_that_has_them_too(tmp_path: Path) -> None:
    """Patterns on one side only would read every message that states neither claim as the other."""
    directory = copy_knowledge(tmp_path)
    _edit_myth(directory, "true-parents-can-request", claim_patterns=[])
    message = problems_of(directory)
    assert "myth-only-school-can-request" in message
    assert "its opposite 'true-parents-can-request' needs claim_patterns too" in message
    directory = copy_knowledge(tmp_path, "second")
    _edit_myth(directory, "myth-plan-ends-at-16", claim_patterns=[r"\bends at 16\b"])
    assert "only used to tell a claim from its opposite" in problems_of(directory)


@pytest.mark.parametrize("text, stated", [
    # The myth, as parents retell it.
    ("the head says only school can put in an ehcp request", "myth-only-school-can-request"),
    ("nursery told me parents aren't allowed to ask the council themselves", "myth-only-school-can-request"),
    ("apparently the request has to come from the senco, true?", "myth-only-school-can-request"),
    ("the senco says it's the school's decision whether we go for an EHCP", "myth-only-school-can-request"),
    # The true statement, as parents check it.
    ("is it true that parents can apply for an EHC needs assessment", "true-parents-can-request"),
    ("can i send the request to the council myself", "true-parents-can-request"),
    ("so we don't need the school to agree before we ask?", "true-parents-can-request"),
    # Both, or neither: the decision from the scores stands.
    ("can I ask myself, or does it have to go through school?", None),
    ("what happens after the council gets the request", None),
])
def test_each_claim_is_told_from_its_opposite_by_its_wording(kb: KnowledgeBase, text: str, stated: Any) -> None:
    matches = {m.id for m in kb.myths.values() if m.claim_pattern and re.search(m.claim_pattern, text, re.I)}
    if stated:
        assert matches == {stated}
    else:
        assert len(matches) != 1  # both, or neither


def test_no_training_example_states_the_opposite_claim_alone(kb: KnowledgeBase) -> None:
    """A pattern that matched its opposite's own examples would turn right answers into wrong verdicts."""
    patterned = [m for m in kb.myths.values() if m.claim_pattern]
    assert len(patterned) >= 2
    for myth in patterned:
        for example in myth.examples:
            matches = {m.id for m in patterned if re.search(m.claim_pattern or "", example, re.I)}
            assert matches in (set(), {myth.id}, {m.id for m in patterned}), (myth.id, example)
