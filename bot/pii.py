"""Find and mask personal details in what parents type, before anything is stored.

Parents often paste their email address, phone number, child's NHS number, date of birth or home
postcode into the chat, although none of these is needed for an answer. Nothing personal should
reach the conversation store, so the gateway runs every message through `mask` first and tells the
parent once, with `notice_text`, what was hidden.

Council and town names are never masked: they pick the parent's local advice service (SENDIASS).
Dates without a year, and recent dates, are kept too: legal deadlines are worked out from them.
Ordinary SEND text with numbers ("paragraph 9.14", "20 weeks", "year 4") passes through unchanged.

`check_contact` reads the parent's answer to "how should an adviser contact you?" (an email
address or a phone number) and says, in plain words, what is wrong when it cannot be used.

Pure functions: no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Iterator, List, Optional, Tuple

import phonenumbers
from email_validator import EmailNotValidError, validate_email

#: What replaces each kind. Words the classifier never saw in training ("e-mail", "tel"), so a
#: masked message is understood as if the detail were not there: "[email address]" made
#: "my email is ..." look like "give me an email address for SENDIASS".
PLACEHOLDERS = {"email": "[hidden e-mail]", "phone": "[hidden tel]", "nhs_number": "[hidden ID]",
                "date_of_birth": "[hidden birth-date]", "postcode": "[hidden postcode]"}
KIND_NAMES = {"email": "an email address", "phone": "a phone number", "nhs_number": "an NHS number",
              "date_of_birth": "a date of birth", "postcode": "a postcode"}

EMAIL_INCOMPLETE = ("That email address doesn't look complete: it needs an @ and a domain, "
                    "like name@example.com.")
EMAIL_INVALID = ("That email address doesn't look right: it should have no spaces or extra "
                 "symbols, like name@example.com.")
PHONE_INVALID = ("That phone number doesn't look right: a UK number has 11 digits, "
                 "like 0151 511 7733 or 07700 900123.")
NEITHER = ("That doesn't look like an email address or a phone number. Please type one, "
           "like name@example.com or 0151 511 7733.")

#: An "@" between word characters, so even an incomplete address ("jane@gmail") is caught.
EMAIL = re.compile(r"[\w.+'%-]*\w@\w[\w-]*(?:\.[\w-]+)*")
#: 10 digits, optionally grouped 3-3-4 with spaces or dashes; the checksum decides (is_nhs_number).
NHS = re.compile(r"(?<![\w+])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w])")
#: Any other long run of digits (with single spaces, dashes or brackets): 10 digits or more is a
#: phone number that phonenumbers does not know (a made-up or foreign number, say).
DIGIT_RUN = re.compile(r"(?<![\w+])\+?(?:\(\d+\)|\d)(?:[ -]?(?:\(\d+\)|\d))*")
#: Postcode areas (the letters that start a UK postcode), so "KS2 1st" is not a postcode.
AREAS = ("AB AL BA BB BD BH BL BN BR BS BT B CA CB CF CH CM CO CR CT CV CW C DA DD DE DG DH DL DN "
         "DT DY EC EH EN EX E FK FY GL GU GY G HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY "
         "LA LD LE LL LN LS LU L ME MK ML M NE NG NN NP NR NW N OL OX PA PE PH PL PO PR RG RH RM "
         "SA SE SG SK SL SM SN SO SP SR SS ST SW SY S TA TD TF TN TQ TR TS TW UB WA WC WD WF WN WR "
         "WS WV W YO ZE").split()
POSTCODE = re.compile(r"\b(?:%s)\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}\b" % "|".join(AREAS),
                      re.IGNORECASE)

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
MONTH = (r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
         r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
ORDINAL = r"(?:st|nd|rd|th)?"
DATES = [re.compile(pattern, re.IGNORECASE) for pattern in (
    # 12/03/2015, 12-03-2015, 12.3.15 (day first, as in the UK)
    r"(?<![\w./-])(?P<day>\d{1,2})(?P<sep>[/.-])(?P<num_month>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})"
    r"(?![\w/-]|\.\d)",
    # 2015-03-12
    r"(?<![\w./-])(?P<year>\d{4})(?P<sep>[/.-])(?P<num_month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"
    r"(?![\w/-]|\.\d)",
    # 3rd March 2015, 3 march 2015, 3rd of March, 2015
    rf"\b(?P<day>\d{{1,2}}){ORDINAL}\s+(?:of\s+)?{MONTH},?\s+(?P<year>\d{{4}})\b",
    # March 3rd, 2015
    rf"\b{MONTH}\s+(?P<day>\d{{1,2}}){ORDINAL},?\s+(?P<year>\d{{4}})\b",
)]
BIRTH_WORDS = re.compile(r"\b(?:born|dob|d\.o\.b|date\s+of\s+birth|birth\s*-?date|birthdays?)\b",
                         re.IGNORECASE)
#: How many words may come between a birth word and the date it introduces.
BIRTH_WORDS_REACH = 6
#: A date whose year is more than this many years before today is most likely a birth date.
OLD_DATE_YEARS = 2
#: A number after one of these is a reference into a document ("paragraph 1.2.15"), not a date.
REFERENCE_BEFORE = re.compile(
    r"\b(?:para(?:graph)?s?|sections?|regulations?|regs?|chapters?|pages?|clauses?|annex|p|s)\.?\s*$",
    re.IGNORECASE)

Span = Tuple[int, int, str]


@dataclass(frozen=True)
class Masked:
    text: str
    kinds: List[str]


@dataclass(frozen=True)
class ContactCheck:
    method: Optional[str]
    value: Optional[str]
    problem: Optional[str]


def is_nhs_number(digits: str) -> bool:
    """The NHS number Modulus 11 check: weights 10..2 on the first 9 digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = (11 - sum(int(d) * w for d, w in zip(digits, range(10, 1, -1))) % 11) % 11  # 11 -> 0
    return check != 10 and check == int(digits[9])


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _full_date(match: "re.Match[str]", today: date) -> Optional[date]:
    """The date a match names, or None when it is not a real date."""
    parts = match.groupdict()
    year = int(parts["year"])
    if len(parts["year"]) == 2:
        year += 2000 if 2000 + year <= today.year else 1900
    month = MONTHS.index(parts["month"][:3].lower()) + 1 if parts.get("month") else int(parts["num_month"])
    try:
        return date(year, month, int(parts["day"]))
    except ValueError:
        return None


def _after_birth_words(before: str) -> bool:
    found = list(BIRTH_WORDS.finditer(before))
    return bool(found) and len(before[found[-1].end():].split()) <= BIRTH_WORDS_REACH


def _birth_dates(text: str, today: date) -> Iterator[Tuple[int, int]]:
    for pattern in DATES:
        for match in pattern.finditer(text):
            when = _full_date(match, today)
            before = text[:match.start()]
            if when is None or REFERENCE_BEFORE.search(before):
                continue
            if _after_birth_words(before) or today.year - when.year > OLD_DATE_YEARS:
                yield match.start(), match.end()


def _find(text: str, today: date) -> List[Span]:
    """Every personal detail in text, as (start, end, kind). Earlier finders win overlaps."""
    spans: List[Span] = []

    def claim(start: int, end: int, kind: str) -> None:
        if all(end <= s or start >= e for s, e, _ in spans):
            spans.append((start, end, kind))

    for match in EMAIL.finditer(text):
        claim(match.start(), match.end(), "email")
    for match in NHS.finditer(text):
        if is_nhs_number(_digits(match.group())):
            claim(match.start(), match.end(), "nhs_number")
    for start, end in _birth_dates(text, today):
        claim(start, end, "date_of_birth")
    for match in POSTCODE.finditer(text):
        claim(match.start(), match.end(), "postcode")
    for found in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.VALID):
        claim(found.start, found.end, "phone")
    for match in DIGIT_RUN.finditer(text):
        if len(_digits(match.group())) >= 10:
            claim(match.start(), match.end(), "phone")
    return sorted(spans)


def mask(text: str, today: Optional[date] = None) -> Masked:
    """Replace each personal detail in text by its placeholder; keep everything else as typed."""
    spans = _find(text, today or date.today())
    pieces: List[str] = []
    kinds: List[str] = []
    position = 0
    for start, end, kind in spans:
        pieces += [text[position:start], PLACEHOLDERS[kind]]
        position = end
        if kind not in kinds:
            kinds.append(kind)
    pieces.append(text[position:])
    return Masked("".join(pieces), kinds)


def _check_email(answer: str) -> ContactCheck:
    token = next(word for word in answer.split() if "@" in word).strip("<>()[],;:.!?\"'")
    local, _, domain = token.partition("@")
    if not local or "." not in domain.strip("."):
        return ContactCheck(None, None, EMAIL_INCOMPLETE)
    try:
        return ContactCheck("email", validate_email(token, check_deliverability=False).normalized, None)
    except EmailNotValidError:
        return ContactCheck(None, None, EMAIL_INVALID)


def _check_phone(candidate: str) -> ContactCheck:
    """Accept a valid number, or a UK one of the right length (11 digits with the leading 0): the
    problem message talks about digits, and Ofcom's drama numbers (07700 900123) are not "valid"."""
    try:
        number = phonenumbers.parse(candidate, "GB")
    except phonenumbers.NumberParseException:
        return ContactCheck(None, None, PHONE_INVALID)
    uk = number.country_code == 44
    if not (phonenumbers.is_valid_number(number) or (
            uk and len(str(number.national_number)) == 10 and phonenumbers.is_possible_number(number))):
        return ContactCheck(None, None, PHONE_INVALID)
    style = phonenumbers.PhoneNumberFormat.NATIONAL if uk else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return ContactCheck("phone", phonenumbers.format_number(number, style), None)


def check_contact(text: str) -> ContactCheck:
    """Read an email address or a phone number; say what is wrong when it cannot be used."""
    answer = text.strip()
    if "@" in answer:
        return _check_email(answer)
    for found in phonenumbers.PhoneNumberMatcher(answer, "GB", leniency=phonenumbers.Leniency.VALID):
        return _check_phone(found.raw_string)
    longest = max(DIGIT_RUN.findall(answer), key=lambda run: len(_digits(run)), default="")
    if len(_digits(longest)) >= 5:   # enough digits to be a (mistyped) phone number
        return _check_phone(longest)
    if re.search(r"\w\.(?:com|co\.uk|org|net|uk)\b", answer, re.IGNORECASE):
        return ContactCheck(None, None, EMAIL_INCOMPLETE)   # "jane.gmail.com": the @ is missing
    return ContactCheck(None, None, NEITHER)


def _listed(names: List[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def notice_text(kinds: List[str]) -> str:
    """What to tell the parent, once, about the details hidden from their message."""
    if not kinds:
        return ""
    hidden = _listed([KIND_NAMES[kind] for kind in kinds])
    return (f"We hid {hidden} in your message before saving the conversation. "
            "This keeps your details private. "
            "You do not need to share details like these to get an answer.")
