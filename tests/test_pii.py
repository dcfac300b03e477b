"""bot.pii: what is hidden from a parent's message before it is stored, and what is left alone.

Each table row is a message as a parent might type it and the text we expect to store. Dates are
judged against a fixed day, so the tests do not change with the calendar.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml

from bot.pii import KIND_NAMES, PLACEHOLDERS, ContactCheck, Masked, check_contact, is_nhs_number, mask, notice_text

TODAY = date(2026, 11, 23)
SERVICES = Path(__file__).resolve().parent.parent / "knowledge" / "services.yml"


def masked(text: str) -> str:
    return mask(text, today=TODAY).text


# --- Each kind, in the formats parents type ---

@pytest.mark.parametrize("text, expected", [
    ("my email is jane.smith@gmail.com thanks", "my email is [hidden e-mail] thanks"),
    ("Email me: Jane.Smith+school@Outlook.co.uk.", "Email me: [hidden e-mail]."),
    ("it's jane@gmail", "it's [hidden e-mail]"),
    ("(sam_o'neil@example.org)", "([hidden e-mail])"),
])
def test_email_addresses_are_masked_even_when_incomplete(text: str, expected: str) -> None:
    assert masked(text) == expected


@pytest.mark.parametrize("number", [
    "0151 511 7733", "01515117733", "0151-511-7733", "(0151) 511 7733", "+44 151 511 7733",
    "+44 (0)151 511 7733", "020 7608 8700", "07700 900123", "07700900123", "+44 7700 900123",
    "+447700900123", "07911 123456",
])
def test_uk_phone_numbers_are_masked(number: str) -> None:
    assert masked(f"Call me on {number} after 3pm.") == "Call me on [hidden tel] after 3pm."


def test_any_other_long_run_of_digits_is_masked_as_a_phone_number() -> None:
    assert masked("ref 12345678901234 please") == "ref [hidden tel] please"


@pytest.mark.parametrize("number", ["943 476 5919", "9434765919", "943-476-5919"])
def test_valid_nhs_numbers_are_masked_as_nhs_numbers(number: str) -> None:
    result = mask(f"His NHS number is {number}.", today=TODAY)
    assert result == Masked("His NHS number is [hidden ID].", ["nhs_number"])


@pytest.mark.parametrize("digits, valid", [
    ("9434765919", True),
    ("9434765918", False),   # wrong check digit
    ("4010232137", True),
    ("4010232138", False),
    ("1000000010", False),   # check digit would be 10: never a valid NHS number
    ("2000000010", True),    # check digit would be 11, which is written 0
])
def test_nhs_number_modulus_11_check(digits: str, valid: bool) -> None:
    assert is_nhs_number(digits) is valid


def test_ten_digits_failing_the_nhs_check_are_still_masked_as_a_phone_number() -> None:
    assert mask("number 943 476 5918", today=TODAY) == Masked("number [hidden tel]", ["phone"])


@pytest.mark.parametrize("written", [
    "12/03/2015", "12-03-2015", "12.3.15", "3rd March 2015", "3 march 2015", "March 3rd, 2015",
    "2015-03-12", "3rd of March 2015",
])
def test_old_full_dates_are_masked_as_dates_of_birth(written: str) -> None:
    assert mask(f"It happened on {written}.", today=TODAY) == \
        Masked("It happened on [hidden birth-date].", ["date_of_birth"])


@pytest.mark.parametrize("text, expected", [
    ("She was born on 3 March 2025", "She was born on [hidden birth-date]"),
    ("DOB 12/03/2025", "DOB [hidden birth-date]"),
    ("d.o.b. 12.3.25", "d.o.b. [hidden birth-date]"),
    ("his date of birth is 1st June 2026", "his date of birth is [hidden birth-date]"),
    ("Birthday: June 1st, 2026", "Birthday: [hidden birth-date]"),
    ("birth date 2025-06-01", "birth date [hidden birth-date]"),
    ("he was born in Runcorn, in hospital, on 3 March 2025", "he was born in Runcorn, in hospital, on [hidden birth-date]"),
])
def test_recent_dates_after_birth_words_are_masked(text: str, expected: str) -> None:
    assert masked(text) == expected


def test_birth_words_reach_only_about_six_words() -> None:
    text = "he was born early and then much later than planned we asked on 3 March 2026"
    assert masked(text) == text


@pytest.mark.parametrize("text", [
    "I asked the council on 3 March 2026",      # recent: the deadline feature needs it
    "They replied on 12/09/2025",               # less than three calendar years ago
    "the meeting is on 3rd march",              # no year
    "we wrote on 14/05",
    "see paragraph 1.2.15 of the guidance",     # a reference, not a date
])
def test_recent_dates_and_dates_without_a_year_are_kept(text: str) -> None:
    assert masked(text) == text


@pytest.mark.parametrize("postcode", ["WA7 2GP", "wa72gp", "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT"])
def test_full_postcodes_are_masked(postcode: str) -> None:
    assert mask(f"We live at {postcode}, near the park.", today=TODAY) == \
        Masked("We live at [hidden postcode], near the park.", ["postcode"])


def test_an_outward_code_alone_is_not_a_postcode() -> None:
    assert masked("We are in WA7") == "We are in WA7"


# --- Several at once ---

def test_kinds_are_listed_in_the_order_they_appear_without_repeats() -> None:
    text = "Call 0151 511 7733 or 07700 900123, email jane@x.com, NHS 943 476 5919, WA7 2GP"
    assert mask(text, today=TODAY) == Masked(
        "Call [hidden tel] or [hidden tel], email [hidden e-mail], NHS [hidden ID], [hidden postcode]",
        ["phone", "email", "nhs_number", "postcode"],
    )


def test_the_rest_of_the_text_is_kept_exactly_as_typed() -> None:
    text = "  Hi!!  My son (aged 7) was born 3/3/2019;  email  ME@x.COM\nThanks  "
    assert masked(text) == "  Hi!!  My son (aged 7) was born [hidden birth-date];  email  [hidden e-mail]\nThanks  "


def test_today_defaults_to_the_real_date() -> None:
    assert mask("on 3 March 1999").text == "on [hidden birth-date]"


# --- What must never be masked ---

@pytest.mark.parametrize("text", [
    "paragraph 9.14 of the Code", "section 36(8)", "within 6 weeks", "the 20 weeks limit",
    "it costs £6,000", "about 6k a year", "he is in year 4", "ages 0 to 25", "he is 7",
    "the Code of Practice 2015", "the 2014 Act", "Children and Families Act 2014, section 42",
    "from 6 to 16 weeks", "KS2 1st term", "Email the SENCO today", "I need help with an EHCP",
])
def test_ordinary_send_text_with_numbers_is_not_masked(text: str) -> None:
    assert mask(text, today=TODAY) == Masked(text, [])


def _place_names() -> List[str]:
    data: Dict[str, Any] = yaml.safe_load(SERVICES.read_text(encoding="utf-8"))
    names: List[str] = []
    for entry in data["councils"] + data.get("national", []):
        names += [entry[key] for key in ("council", "service") if entry.get(key)]
        names += entry.get("aliases", []) + entry.get("places", [])
    return names


PLACE_NAMES = _place_names()


def test_the_services_file_gives_place_names_to_check() -> None:
    assert {"Halton", "Runcorn", "Widnes", "Stockton-on-Tees", "IPSEA (Independent Provider of Special Education Advice)"} \
        <= set(PLACE_NAMES)


@pytest.mark.parametrize("name", PLACE_NAMES)
def test_council_service_and_place_names_are_never_masked(name: str) -> None:
    assert mask(name, today=TODAY) == Masked(name, [])
    assert masked(f"I live in {name}") == f"I live in {name}"


# --- check_contact: the parent's answer to "how should an adviser contact you?" ---

@pytest.mark.parametrize("answer, method, value", [
    ("jane.smith@gmail.com", "email", "jane.smith@gmail.com"),
    ("  Jane.Smith@Gmail.COM ", "email", "Jane.Smith@gmail.com"),
    ("my email is jane@example.org.", "email", "jane@example.org"),
    ("0151 511 7733", "phone", "0151 511 7733"),
    ("01515117733", "phone", "0151 511 7733"),
    ("+44 151 511 7733", "phone", "0151 511 7733"),
    ("07700 900123", "phone", "07700 900123"),
    ("+447700900123", "phone", "07700 900123"),
    ("call me on 07911123456 after 5pm", "phone", "07911 123456"),
    ("+33 1 42 68 53 00", "phone", "+33 1 42 68 53 00"),
])
def test_check_contact_accepts_and_normalises_good_answers(answer: str, method: str, value: str) -> None:
    assert check_contact(answer) == ContactCheck(method, value, None)


@pytest.mark.parametrize("answer, words", [
    ("jane@gmail", ["@", "domain", "name@example.com"]),
    ("@gmail.com", ["@", "domain"]),
    ("jane.gmail.com", ["@", "domain"]),
    ("jane@@gmail.com", ["email address", "name@example.com"]),
    ("0151 511", ["phone number", "11 digits", "0151 511 7733"]),
    ("0151 511 77334455", ["phone number", "11 digits"]),
    ("call me maybe", ["email address or a phone number", "name@example.com"]),
    ("", ["email address or a phone number"]),
])
def test_check_contact_says_what_is_wrong(answer: str, words: List[str]) -> None:
    result = check_contact(answer)
    assert (result.method, result.value) == (None, None)
    assert result.problem is not None
    for word in words:
        assert word in result.problem


def test_each_problem_is_specific_to_what_the_parent_typed() -> None:
    problems: List[Optional[str]] = [check_contact(a).problem for a in ("jane@gmail", "0151 511", "call me maybe")]
    assert len(set(problems)) == 3


# --- notice_text ---

def test_notice_for_one_kind() -> None:
    text = notice_text(["email"])
    assert "an email address" in text
    assert "phone" not in text
    assert "You do not need to share" in text


def test_notice_for_two_kinds_names_both() -> None:
    text = notice_text(["email", "phone"])
    assert "We hid an email address and a phone number" in text
    assert "before saving" in text


def test_notice_for_three_kinds_and_for_none() -> None:
    assert "an NHS number, a date of birth and a postcode" in notice_text(["nhs_number", "date_of_birth", "postcode"])
    assert notice_text([]) == ""


def test_every_kind_has_a_placeholder_and_a_name() -> None:
    assert set(PLACEHOLDERS) == set(KIND_NAMES) == {"email", "phone", "nhs_number", "date_of_birth", "postcode"}
