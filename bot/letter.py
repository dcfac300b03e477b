"""The letter a parent sends to ask the council for an EHC needs assessment, in their own voice.

Parents ask "how do I actually ask?" and put it off because a blank page is hard. The letter cites
the legal test (section 36 of the Children and Families Act 2014) and asks for the decision within
the 6 weeks that regulation 5(1) of the SEND Regulations 2014 allows. Written in our own words.

Nothing here stores anything: the details come in, the letter goes out (as text, a plain-text
file or a Word file). Any detail the parent skipped becomes a [square-bracket] gap to fill in.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import List, Optional

from docx import Document
from docx.shared import Pt

from bot.dates import short_date

TITLE = "Request for an education, health and care (EHC) needs assessment"
FILE_STEM = "ehc-assessment-request"
#: The longest answer kept for each detail (the chat's own limit is longer: a story, not a name).
MAX_LENGTHS = {"child_name": 100, "school": 200, "concerns": 2000}


@dataclass(frozen=True)
class LetterDetails:
    child_name: Optional[str] = None
    date_of_birth: Optional[date] = None
    school: Optional[str] = None
    concerns: Optional[str] = None
    #: The council's name ("Halton Borough Council"), if known.
    council: Optional[str] = None


def _clean(value: Optional[str]) -> Optional[str]:
    value = " ".join((value or "").split()) if value else None
    return value or None


def paragraphs(details: LetterDetails, today: date) -> List[str]:
    """The letter, one paragraph per item (blank-line separated in the text version)."""
    name = _clean(details.child_name)
    child = name or "my child"
    first_name = name.split()[0] if name else "my child"
    concerns = (details.concerns or "").strip()
    return [
        "[Your name]\n[Your address]\n[Your email address or phone number]",
        short_date(today),
        f"The SEN team\n{_clean(details.council) or '[Your council]'}",
        "Dear SEN team,",
        TITLE,
        "\n".join([
            f"Child: {name or '[Child’s full name]'}",
            f"Date of birth: {short_date(details.date_of_birth) if details.date_of_birth else '[Date of birth]'}",
            f"School or setting: {_clean(details.school) or '[School, nursery or college]'}",
        ]),
        f"I am {first_name if name else 'my child'}’s parent. I am writing to ask you to carry out an education, "
        f"health and care (EHC) needs assessment for {child}. I am making this request under section 36(1) of "
        "the Children and Families Act 2014.",
        "Section 36(8) of the Act says that you must carry out an assessment if a child has or may have special "
        "educational needs, and it may be necessary for special educational provision to be made for them through "
        f"an EHC plan. I believe {first_name} meets this test.",
        "Why I am asking:",
        concerns or f"[Describe what {first_name} finds hard, the support they have had so far and how they are "
                     "getting on. Mention any reports you are sending with this letter.]",
        f"Please ask {first_name}’s school or setting for its evidence too. I have enclosed copies of the reports "
        "and letters I have.",
        "Please tell me your decision in writing as soon as you can, and no later than 6 weeks after you receive "
        "this letter, as regulation 5(1) of the Special Educational Needs and Disability Regulations 2014 requires. "
        "Please consult me before you decide, as section 36(4) of the Act requires.",
        "Please confirm that you have received this letter, and tell me who will be dealing with it.",
        "Yours faithfully,\n\n[Your name]",
    ]


def letter_text(details: LetterDetails, today: date) -> str:
    return "\n\n".join(paragraphs(details, today)) + "\n"


def letter_docx(details: LetterDetails, today: date) -> bytes:
    """The letter as a Word file (.docx): the same words, with the title in bold."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(12)
    for paragraph in paragraphs(details, today):
        para = document.add_paragraph()
        lines = paragraph.split("\n")
        for index, line in enumerate(lines):
            run = para.add_run(line)
            run.bold = paragraph == TITLE
            if index < len(lines) - 1:
                run.add_break()
    document.core_properties.title = TITLE
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
