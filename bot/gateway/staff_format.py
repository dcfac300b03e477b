"""How the staff area's pages show things: times in UK time and GOV.UK style, safe links, tag
colours and council names.

Display only, kept apart from the routes (bot.gateway.staff) and the security (bot.gateway.staff_security)
so each stays small; these helpers are registered as template filters and globals in bot.gateway.staff.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, Optional
from urllib.parse import urlsplit

from bot.staff import queries

LONDON: Any
try:
    from zoneinfo import ZoneInfo

    LONDON = ZoneInfo("Europe/London")
except Exception:  # noqa: BLE001 - no time zone data: show UTC, and say so
    LONDON = timezone.utc

# Flag ids -> tag colour (GOV.UK tag colours).
FLAG_COLOURS = {"safeguarding": "red", "deadline": "orange", "exclusion": "purple", "no_school_place": "pink"}
STATUS_COLOURS = {"new": "blue", "in_progress": "yellow", "closed": "grey"}


def _parse_time(value: Any) -> Optional[datetime]:
    if isinstance(value, datetime):
        return queries.as_utc(value)
    if isinstance(value, str) and value:
        try:
            return queries.as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def _clock(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}:{moment.minute:02d}{suffix}" if moment.minute else f"{hour}{suffix}"


def local_time(value: Any, with_date: bool = True) -> str:
    """'23 November 2026 at 2:05pm' in UK time (GOV.UK style)."""
    moment = _parse_time(value)
    if moment is None:
        return ""
    local = moment.astimezone(LONDON)
    if not with_date:
        return _clock(local)
    return f"{local.day} {local:%B %Y} at {_clock(local)}"


def time_ago(value: Any, now: Optional[datetime] = None) -> str:
    """'just now', '5 minutes ago', '3 hours ago', 'yesterday', '4 days ago', '6 weeks ago'."""
    moment = _parse_time(value)
    if moment is None:
        return ""
    seconds = max(0, int(((now or datetime.now(timezone.utc)) - moment).total_seconds()))

    def plural(n: int, unit: str) -> str:
        return f"{n} {unit}{'' if n == 1 else 's'} ago"

    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return plural(seconds // 60, "minute")
    if seconds < 86400:
        return plural(seconds // 3600, "hour")
    days = seconds // 86400
    if days == 1:
        return "yesterday"
    if days < 14:
        return plural(days, "day")
    return plural(days // 7, "week")


def iso(value: Any) -> str:
    moment = _parse_time(value)
    return moment.isoformat(timespec="seconds") if moment else ""


def safe_url(value: Any) -> Optional[str]:
    """A link target only if it is a web address: stored data never becomes a javascript: link."""
    if isinstance(value, str) and urlsplit(value.strip()).scheme in ("http", "https"):
        return value.strip()
    return None


def council_names() -> Dict[str, str]:
    """Council id -> the council's name, from the published SENDIASS directory."""
    content = queries.published_content()
    names: Dict[str, str] = {}
    if content:
        for service in content.services.values():
            if service.kind == "council":
                names[service.id] = service.council or service.service
    return names


def council_name(council_id: str, names: Dict[str, str]) -> str:
    return names.get(council_id) or council_id.replace("-", " ").title()
