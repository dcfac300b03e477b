"""Dates as parents type them: "3rd march", "14/05", "last Tuesday", "2 weeks ago", "3 March 2026".

The deadline calculator needs the date a request was received or a decision was sent. Parents give
it in many forms and rarely with a year, so each date found here says what was typed and whether a
year was given; the reply always echoes the date back in full ("Tuesday 3 March 2026") so that a
misreading can be corrected at once.

Why not a general date-parsing library: searching free text with one (dateparser's search_dates,
say) also reads "may", "sat" and "second" as dates, and takes "03/05" in US order unless told
otherwise at every call. The forms we accept are few and English, so they are spelt out here, UK
order only, and anything else is simply not a date.

Pure functions: `today` is always passed in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import List, Optional

from dateutil.relativedelta import relativedelta

MONTH_NUMBERS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december"),
), start=1) for name in names}
WEEKDAYS = {name: number for number, names in enumerate((
    ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "weds", "wednesday"), ("thu", "thur", "thurs", "thursday"),
    ("fri", "friday"), ("sat", "saturday"), ("sun", "sunday"),
)) for name in names}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

_MONTH = r"(?P<month>%s)\.?" % "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True))
_WEEKDAY = r"(?P<weekday>%s)" % "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_ORDINAL = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"

PATTERNS = [re.compile(p, re.IGNORECASE) for p in (
    # 2026-03-03
    r"(?<![\w./-])(?P<year>(?:19|20)\d\d)-(?P<num_month>\d{1,2})-(?P<day>\d{1,2})(?![\w/-])",
    # 3/3/2026, 03-03-26, 3.3.2026 (day first, as in the UK); 14/05 with a slash only, so that
    # "paragraph 9.14" and "6-8 weeks" are never dates
    r"(?<![\w./-])(?P<day>\d{1,2})(?P<sep>[/.-])(?P<num_month>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![\w/-]|\.\d)",
    r"(?<![\w./-])(?P<day>\d{1,2})/(?P<num_month>\d{1,2})(?![\w/.-])",
    # 3 March, 3rd of march 2026, the 3rd March
    rf"\b(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?{_MONTH}(?![a-z]){_YEAR}",
    # March 3rd, march 3 2026
    rf"\b{_MONTH}\s+(?:the\s+)?(?P<day>\d{{1,2}}){_ORDINAL}(?![\w]){_YEAR}",
    # today, yesterday, the day before yesterday
    r"\b(?P<relative>the\s+day\s+before\s+yesterday|yesterday|today)\b",
    # last tuesday, on Tuesday, this monday
    rf"\b(?P<which>last|on|this\s+past|this|past)\s+{_WEEKDAY}\b",
    # 2 weeks ago, a month ago, three days ago
    r"\b(?P<count>\d{1,2}|%s)\s+(?P<unit>days?|weeks?|months?)\s+ago\b" % "|".join(NUMBER_WORDS),
)]

#: Words just before a date that make it the mediation certificate's date, not the decision's.
CERTIFICATE_WORDS = re.compile(r"\b(?:certificate|cert|mediation)\b", re.IGNORECASE)


@dataclass(frozen=True)
class FoundDate:
    value: date
    #: The words as typed ("3rd march").
    text: str
    start: int
    #: Whether the parent gave the year (if not, the most recent such date not after today is used).
    year_given: bool
    #: "certificate" when the words before it name a mediation certificate; else None.
    role: Optional[str] = None


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _before_or_on(today: date, month: int, day: int) -> Optional[date]:
    """The latest real date with this day and month that is not after today (29 February allowed
    only in leap years: the previous leap year's, if need be)."""
    for year in range(today.year, today.year - 8, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    return None


def _value(match: "re.Match[str]", today: date) -> Optional[date]:
    parts = {k: v for k, v in match.groupdict().items() if v}
    if "relative" in parts:
        words = parts["relative"].lower()
        return today - timedelta(days=2 if "before" in words else 1 if "yesterday" in words else 0)
    if "weekday" in parts:
        target = WEEKDAYS[parts["weekday"].lower()]
        back = (today.weekday() - target) % 7
        # "last Tuesday" said on a Tuesday is a week ago; "on Tuesday" said on a Tuesday is today.
        if back == 0 and parts["which"].lower() == "last":
            back = 7
        return today - timedelta(days=back)
    if "unit" in parts:
        count = NUMBER_WORDS.get(parts["count"].lower()) or int(parts["count"])
        unit = parts["unit"].lower().rstrip("s")
        return today - (relativedelta(months=count) if unit == "month" else timedelta(days=count * (7 if unit == "week" else 1)))
    month = int(parts["num_month"]) if "num_month" in parts else MONTH_NUMBERS[parts["month"].lower().rstrip(".")]
    day = int(parts["day"])
    if "year" in parts:
        try:
            return date(_year(parts["year"]), month, day)
        except ValueError:
            return None
    return _before_or_on(today, month, day)


def find_dates(text: str, today: date) -> List[FoundDate]:
    """The dates in `text`, in the order written. Impossible dates ("31/02") are left out."""
    found: List[FoundDate] = []
    taken: List[range] = []
    for pattern in PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() in span or match.end() - 1 in span for span in taken):
                continue
            value = _value(match, today)
            if value is None:
                continue
            taken.append(range(match.start(), match.end()))
            year_given = bool(match.groupdict().get("year")) or any(
                match.groupdict().get(name) for name in ("relative", "weekday", "unit"))
            found.append(FoundDate(value=value, text=match.group(0).strip(), start=match.start(), year_given=year_given))
    found.sort(key=lambda f: f.start)
    # A date's role comes from the words between it and the date before it.
    with_roles: List[FoundDate] = []
    previous_end = 0
    for item in found:
        before = text[previous_end:item.start]
        role = "certificate" if CERTIFICATE_WORDS.search(before) else None
        with_roles.append(FoundDate(item.value, item.text, item.start, item.year_given, role))
        previous_end = item.start + len(item.text)
    return with_roles


def has_impossible_date(text: str) -> bool:
    """Whether `text` has something shaped like a date that is not one ("31 February", "45/13")."""
    for pattern in PATTERNS[:5]:
        for match in pattern.finditer(text):
            parts = {k: v for k, v in match.groupdict().items() if v}
            month = int(parts["num_month"]) if "num_month" in parts else MONTH_NUMBERS[parts["month"].lower().rstrip(".")]
            try:
                date(_year(parts["year"]) if "year" in parts else 2000, month, int(parts["day"]))  # 2000: a leap year
            except ValueError:
                return True
    return False


def long_date(value: date) -> str:
    """GOV.UK style: "Tuesday 3 March 2026"."""
    return f"{value.strftime('%A')} {value.day} {value.strftime('%B %Y')}"


def short_date(value: date) -> str:
    """"3 March 2026"."""
    return f"{value.day} {value.strftime('%B %Y')}"
