"""The calculator's words in the chat (bot.timescale_replies): the date echoed back, every date
with the provision behind it, and never a past date presented as still open."""
from __future__ import annotations

from datetime import date

from bot.dates import find_dates
from bot.knowledge.store import Service
from bot.timescale_replies import calculator_reply, topic_kind

TODAY = date(2026, 11, 23)
HALTON = Service(id="halton", kind="council", council="Halton Borough Council", service="Halton SENDIASS",
                 details={"phone": {"value": "0151 511 7733"}}, places=[], aliases=[])


def _reply(kind: str, text: str):
    return calculator_reply(kind, find_dates(text, TODAY), TODAY, HALTON, [])


def test_assessment_dates_from_3_march() -> None:
    reply = _reply("assessment", "I asked for an EHC assessment on 3 March, when should I hear?")
    text = reply.text
    assert "I've read \"3 March\" as Tuesday 3 March 2026" in text and "you didn't give a year" in text
    assert "By Tuesday 14 April 2026 (6 weeks): the council must tell you whether it will carry out an EHC needs assessment (regulation 5(1)). This date has passed." in text
    assert "By Tuesday 23 June 2026 (16 weeks)" in text and "(regulation 10(1))" in text
    assert "By Tuesday 21 July 2026 (20 weeks)" in text and "regulation 13(2)" in text
    assert "the council is late" in text and "0151 511 7733" in text
    labels = [c["label"] for c in reply.citations]
    assert "Special Educational Needs and Disability Regulations 2014, regulation 5(1)" in labels
    assert "SEND Code of Practice, paragraph 9.40" in labels
    assert "Special Educational Needs and Disability Regulations 2014, regulation 10(4)" in labels


def test_assessment_dates_still_open_say_how_long_is_left() -> None:
    text = _reply("assessment", "they got it on 16 November 2026").text
    assert "By Monday 28 December 2026 (6 weeks)" in text and "(35 days from today)" in text
    assert "has passed" not in text and "the council is late" not in text


def test_appeal_after_refusal_on_14_may_has_passed() -> None:
    reply = _reply("appeal", "They refused on 14 May, how long do I have to appeal?")
    text = reply.text
    assert "as Thursday 14 May 2026" in text and "the date the council sent its decision letter" in text
    assert "within 2 months of the date the decision letter was sent: that gives 14 July 2026" in text
    assert "The last day was Tuesday 14 July 2026. That date has passed." in text
    # 1 month after 21 October 2026 is Saturday 21 November, moved to Monday 23 November: today.
    assert "your mediation certificate was issued on or after 21 October 2026" in text
    assert "late appeal" in text
    assert "mediation adviser named in the decision letter within 2 months of the decision, so by Tuesday 14 July 2026 (regulation 33)" in text
    assert "Your last day is" not in text
    labels = [c["label"] for c in reply.citations]
    assert any(label.endswith("Rules 2008, rule 20") for label in labels)
    assert "Special Educational Needs and Disability Regulations 2014, regulation 33" in labels


def test_appeal_with_certificate_over_christmas() -> None:
    text = _reply("appeal", "decision letter dated 1 October 2026 and mediation certificate 29 November 2026").text
    assert "within 1 month of the mediation certificate" in text and "29 December 2026" in text
    assert "falls between 25 December and 1 January" in text
    assert "Your last day is Monday 4 January 2027 (42 days from today)" in text
    assert "mediation adviser named" not in text  # the certificate is already in hand


def test_appeal_in_august_moves_to_september() -> None:
    text = _reply("appeal", "the letter was dated 14/06/2026").text
    assert "falls in August" in text and "Tuesday 1 September 2026" in text and "That date has passed" in text


def test_certificate_before_the_decision_is_questioned_not_used() -> None:
    text = _reply("appeal", "decision 1 October 2026, certificate 1 September 2026").text
    assert "is before the decision letter, so I have not used it" in text


def test_topics_pick_the_calculator() -> None:
    assert topic_kind("ehc-decision-six-weeks") == "assessment"
    assert topic_kind("tribunal-appeal-deadline") == "appeal"
    assert topic_kind("what-is-sen-support") is None


def test_words_pick_the_calculator_when_the_date_pulls_the_classifier_elsewhere() -> None:
    from bot.timescale_replies import dated_topic

    assert dated_topic("They refused on 14 May, how long do I have to appeal?", "ehc-timescale-exceptions") == "tribunal-appeal-deadline"
    assert dated_topic("got the refusal today, what now", "ehc-refusal-what-next") == "ehc-refusal-what-next"
    assert dated_topic("I asked for an EHC assessment on 3 March", "school-consider-ehc-request") == "ehc-decision-six-weeks"
    assert dated_topic("I asked for an EHC assessment on 3 March", "ehc-timescale-20-weeks") == "ehc-timescale-20-weeks"
    assert dated_topic("the annual review was on 3 March", "annual-review") is None
    assert dated_topic("my son's ehcp annual review was on 3 March, I requested it in January", "annual-review") is None
    assert dated_topic("we applied for an ehcp on 3rd march", None) == "ehc-decision-six-weeks"


def test_certificate_date_alone_uses_the_decision_date_given_earlier() -> None:
    reply = calculator_reply("appeal", find_dates("the certificate came on 29 November 2026", TODAY), TODAY, HALTON, [],
                             earlier_decision=date(2026, 10, 1))
    assert "I've used the date you gave earlier, Thursday 1 October 2026" in reply.text
    assert "Your last day is Monday 4 January 2027" in reply.text
    alone = calculator_reply("appeal", find_dates("the certificate came on 29 November 2026", TODAY), TODAY, HALTON, [])
    assert alone.kind == "clarify" and "What date was the council's decision letter sent?" in alone.text
