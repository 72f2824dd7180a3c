"""Report metadata read from the text itself: title, issuing body, signed date, year, region."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass

from .cleaning import Line
from .outline import ends_sentence, heading_level
from .regions import resolve_region

_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "Ｏ": "0"}
_CN_NUM = "〇零○Ｏ一二三四五六七八九十"
_DATE = re.compile(
    rf"([12][0-9]{{3}}|[{_CN_NUM}]{{4}})\s*年\s*([0-9]{{1,2}}|[{_CN_NUM}]{{1,3}})\s*月"
    rf"\s*([0-9]{{1,2}}|[{_CN_NUM}]{{1,3}})\s*日"
)
_YEAR = re.compile(r"(?<![0-9])((?:19[4-9]|20[0-9])[0-9])\s*年")
_TITLE_WORDS = re.compile(r"报告|总结|计划|要点|情况|公报|意见|规划|讲话|纲要|通知|方案")
_ORG_END = r"(?:司法局|司法厅|人民政府|政府|委员会|办公室|办公厅|国务院|局|厅|委|院|署|办)"
_ORG_IN_TITLE = re.compile(rf"([\u4e00-\u9fff]{{2,20}}?{_ORG_END})(?=关于|[0-9]|$|[\u4e00-\u9fff])")
_ORG_IN_TEXT = re.compile(r"(?:^|[，,。；\s年])([\u4e00-\u9fff]{2,12}?(?:司法局|司法厅|人民政府))")
_SALUTATION = re.compile(r"^[\u4e00-\u9fff、，, ]{2,12}[:：]$")  # 市委、市政府：  各位代表：
_SIGNATURE_ORG = re.compile(rf"^[\u4e00-\u9fff（）()]{{2,30}}{_ORG_END}$")


@dataclass(frozen=True)
class Metadata:
    """What a report says about itself."""

    title: str
    org: str
    date: str  # ISO yyyy-mm-dd, or "" when the report is not signed with a date
    year: int | None
    region: tuple[str, ...]
    has_title_line: bool


def _cn_number(text: str) -> int:
    """Read 2021, 二〇二一, 十二 or 二十三 as a number."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return int(_CN_DIGITS.get(tens, "1") if tens else 1) * 10 + (int(_CN_DIGITS[units]) if units else 0)
    return int("".join(_CN_DIGITS[c] for c in text))


def parse_date(text: str) -> str:
    """Return the first full date in `text` as yyyy-mm-dd, or ""."""
    match = _DATE.search(text)
    if not match:
        return ""
    year, month, day = (_cn_number(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def is_title(line: str) -> bool:
    """Whether a first line reads as a report title rather than a salutation or a sentence."""
    return (
        len(line) <= 80
        and not ends_sentence(line)
        and not heading_level(line)
        and bool(_TITLE_WORDS.search(line) or _YEAR.search(line))
    )


def split_signature(lines: list[Line]) -> tuple[list[Line], str, str]:
    """Take the closing signature (issuing body and/or date lines) off the end of the report."""
    org = date = ""
    body = list(lines)
    for _ in range(3):
        if not body:
            break
        last = body[-1].text
        if not date and len(last) <= 20 and (found := parse_date(last)) and _DATE.fullmatch(last.strip()):
            date = found
        elif not org and _SIGNATURE_ORG.match(last.replace(" ", "")):
            org = last.replace(" ", "")
        else:
            break
        body.pop()
    return body, org, date


FIRST_YEAR = 1949  # the earliest year a report can be about


def last_year() -> int:
    """The latest year a report can be about: next year (a plan for the coming year)."""
    return datetime.date.today().year + 1


def _years(text: str) -> list[int]:
    """Years named in a text that a report can be about (not 2035 of 2035年远景目标)."""
    latest = last_year()
    return [y for y in map(int, _YEAR.findall(text)) if FIRST_YEAR <= y <= latest]


def report_year(title: str, opening: list[str], date: str, text: str) -> int | None:
    """The year a report is about: the title's, else the first year in its opening lines, else the year
    signed (the year before, for a report signed in its first quarter that speaks of that year)."""
    for source in (title, *opening):
        if years := _years(source):
            return years[0]
    if date:
        signed, month = int(date[:4]), int(date[5:7])
        counts = Counter(_years(text))
        if month <= 3 and counts[signed - 1] >= counts[signed]:
            return signed - 1
        return signed
    counts = Counter(_years(text))
    return counts.most_common(1)[0][0] if counts else None


def find_org(title: str, signature_org: str, opening: str) -> str:
    """The issuing body: as signed, else as named in the title, else in the opening sentence."""
    if signature_org:
        return signature_org
    stripped = re.sub(r"^[0-9]{4}\s*年度?", "", title)
    if match := _ORG_IN_TITLE.search(stripped):
        return match.group(1)
    if match := _ORG_IN_TEXT.search(opening[:200]):
        return match.group(1)
    return ""


def make_title(org: str, year: int | None, text: str) -> str:
    """A title for a report that has no title line, from its issuing body and year."""
    kind = "法治政府建设情况报告" if "法治政府建设" in text[:3000] else "工作报告"
    return f"{org or '未署名机关'}{f'{year}年' if year else ''}{kind}"


def read_metadata(lines: list[Line], chrome: tuple[str, ...]) -> tuple[Metadata, list[Line]]:
    """Read a report's metadata from its clean lines; return it with the content lines (no title, no
    signature)."""
    has_title = bool(lines) and is_title(lines[0].text)
    title = lines[0].text if has_title else ""
    content, signature_org, date = split_signature(lines[1:] if has_title else lines)
    content = [line for i, line in enumerate(content) if not (i < 4 and _SALUTATION.match(line.text))]
    opening = [line.text for line in content[:3]]
    text = "\n".join(line.text for line in content)
    if not date:
        date = parse_date("\n".join(opening[:2])) if any("在" in o for o in opening[:2]) else ""
    year = report_year(title, opening, date, text)
    org = find_org(title, signature_org, "\n".join(opening))
    focus = " ".join([title, org, signature_org, *chrome])
    region = resolve_region(focus, text[:5000])
    if not region:
        region = resolve_region(text[:300], text[:5000], min_length=3)
    meta = Metadata(title or make_title(org, year, text), org, date, year, region, has_title)
    return meta, content
