"""Our spaCy pipeline reads parents' spellings as the words they stand for, for the classifier
and the lexical search alike."""
from __future__ import annotations

import pytest

from bot.nlp import elsewhere_labels, load_pipeline, short_forms
from bot.retrieval import terms


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("they have 6 wks to decide", "they have 6 weeks to decide"),
        ("Wks later still nothing", "weeks later still nothing"),
        ("she is 2 yrs behind", "she is 2 years behind"),
        ("he is in yr 5", "he is in year 5"),
        ("20 mins a week with a TA", "20 minutes a week with a TA"),
    ],
)
def test_short_forms_mean_the_whole_word(typed, meant):
    """"6 wks" must count as "6 weeks": it is how parents write about the six-week deadline."""
    assert terms(typed) == terms(meant)


def test_glossary_terms_are_entities():
    doc = load_pipeline()("the senco says no ehcp until the EP has seen him")
    assert [(e.text.lower(), e.label_) for e in doc.ents] == [
        ("senco", "SENCO"), ("ehcp", "EHC_PLAN"), ("ep", "EDUCATIONAL_PSYCHOLOGIST")]


def test_short_forms_are_not_send_terms():
    """Short forms only stand for everyday words; a SEND term belongs in the glossary's terms,
    where it becomes an entity."""
    forms = short_forms()
    assert forms["wks"] == "week"
    entity_texts = {e.text.lower() for e in load_pipeline()(" . ".join(forms)).ents}
    assert entity_texts == set()


def test_a_holiday_fine_is_for_another_service():
    """A fine for a holiday in term time is the council's attendance team's business, not SEND's:
    such a message with no SEND word gets "contact your council", not the 20-week paragraph."""
    doc = load_pipeline()("school fined us for taking him out for a holiday in term time")
    labels = {e.label_ for e in doc.ents}
    assert labels == {"ATTENDANCE_FINES"}
    assert labels <= elsewhere_labels()
