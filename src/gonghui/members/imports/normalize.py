"""The rules for each roster cell: what a messy value means, or why it cannot be used.

Every normaliser takes the cell as python-calamine or the csv module gives it (`str`, `float`/`int` for a
number cell, `date`/`datetime` for a date cell) and returns `(value, problem)`: the value to store, and None,
or a `Problem` that either rejects the row (an error) or only tells the officer (a warning). Nothing is
changed silently: when a value is not stored as written, a problem says so.

The rules are the registry's own: `core.validators.clean_citizen_id` and `members.identity` (clean_name,
name_search_keys, clean_mobile). The fast paths below only accept what those functions would accept unchanged
(a plain 18-character ID, an 11-digit mobile) and give anything else to them, so a 100,000-row roster is
checked in well under a second without a second set of rules.

Choices the officer's file spells in many ways (学历, 政治面貌, 用工性质, 新就业形态, 民族) are matched after
folding full-width characters and removing spaces. A label with no matching choice is not guessed: the field
is left empty (用工性质: recorded as 其他) with a warning naming the value.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.validators import clean_citizen_id
from gonghui.members.identity import SURNAME_READINGS, char_pinyin, clean_mobile, clean_name, name_search_keys
from gonghui.members.models import (
    ETHNIC_GROUPS,
    Education,
    EmploymentType,
    NewFormGroup,
    PoliticalStatus,
)

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    message: str
    level: str = ERROR


def display(cell) -> str:
    """A cell as the officer sees it in Excel: 3.20506E+17 for a long number, 2019-03-01 for a date."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        if cell.is_integer() and abs(cell) < 1e11:
            return str(int(cell))
        if abs(cell) >= 1e11:
            return f"{cell:.6G}"
        return repr(cell)
    if isinstance(cell, datetime.datetime):
        return cell.strftime("%Y-%m-%d %H:%M") if (cell.hour or cell.minute) else cell.date().isoformat()
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return str(cell)


_SPACES = re.compile(r"\s+")


def text(cell) -> str:
    """A text value with full-width characters folded and stray spaces (NBSP, U+3000, TAB) removed at the ends."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        if cell.isascii():
            return cell.strip()
        return unicodedata.normalize("NFKC", cell).strip()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return display(cell)


def key(cell) -> str:
    """A choice label with every space removed, for matching (`大学 本科` = `大学本科`)."""
    return _SPACES.sub("", text(cell))


# ---- 身份证号 ----------------------------------------------------------------------------------------

_PLAIN_ID = re.compile(r"[0-9]{17}[0-9X]\Z")
_CHECK = "10X98765432"  # GB 11643: check character for (Σ aᵢ·Wᵢ) mod 11
_birth_cache: dict[str, bool] = {}


def _plausible_birth(digits: str) -> bool:
    """Whether `yyyymmdd` is a real date from 1900 to today (cached: a roster has a few thousand of them)."""
    known = _birth_cache.get(digits)
    if known is None:
        try:
            born = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        except ValueError:
            known = False
        else:
            known = born.year >= 1900 and born <= datetime.date.today()
        _birth_cache[digits] = known
    return known


def _check_character(first17: str) -> str:
    # Wᵢ = 2^(17−i) mod 11, and 13 ≡ 2 (mod 11): reading the 17 digits in base 13 gives Σ aᵢ·2^(16−i),
    # half the weighted sum, in one C call instead of a Python loop.
    return _CHECK[(2 * int(first17, 13)) % 11]


def citizen_id(cell) -> tuple[str, Problem | None]:
    if type(cell) is str and _PLAIN_ID.match(cell) and _check_character(cell[:17]) == cell[17] \
            and _plausible_birth(cell[6:14]):
        return cell, None
    if isinstance(cell, (float, int)) and not isinstance(cell, bool):
        return "", Problem(_(
            "The ID number is stored as a number, so Excel kept only its first 15 digits (%(shown)s): the "
            "last digits are lost and will not be guessed. Set the column to text and type the number again."
        ) % {"shown": display(cell)})
    if isinstance(cell, (datetime.date, datetime.time, datetime.timedelta)):
        return "", Problem(_("The ID number cell holds a date, not an ID number."))
    try:
        return clean_citizen_id(cell), None
    except ValidationError as error:
        return "", Problem(" ".join(error.messages))


def gender_of(number: str) -> str:
    return "M" if number[16] in "13579" else "F"


def birth_of(number: str) -> datetime.date:
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


# ---- names ------------------------------------------------------------------------------------------

_PLAIN_NAME = re.compile("[\u4e00-\u9fff]{1,20}\\Z")  # CJK ideographs only: clean_name leaves it as it is
_readings: dict[str, str] = {}


def _reading(char: str) -> str:
    found = _readings.get(char)
    if found is None:
        found = _readings[char] = char_pinyin(char)
    return found


def _plain_name_keys(name: str) -> tuple[str, str]:
    """name_search_keys() for a name of ideographs only, without its per-character ASCII tests (same result)."""
    readings = _readings
    try:
        syllables = [SURNAME_READINGS.get(name[0]) or readings[name[0]], *[readings[char] for char in name[1:]]]
    except KeyError:
        syllables = [SURNAME_READINGS.get(name[0]) or _reading(name[0]), *[_reading(char) for char in name[1:]]]
    if "" in syllables:
        syllables = [s for s in syllables if s]
    return "".join(syllables)[:255], "".join([s[0] for s in syllables])[:64]


@lru_cache(maxsize=131072)
def _name(cell: str) -> tuple[str, str, str, Problem | None]:
    if _PLAIN_NAME.match(cell):
        return (cell, *_plain_name_keys(cell), None)
    name = clean_name(cell)
    if not name:
        return "", "", "", Problem(_("The name is empty."))
    if len(name) > 64:
        return "", "", "", Problem(_("A name has at most 64 characters; this one has %(count)d.")
                                   % {"count": len(name)})
    if any(ch.isdigit() for ch in name):
        return "", "", "", Problem(_("A name cannot contain digits."))
    pinyin, initials = name_search_keys(name)
    return name, pinyin, initials, None


def person_name(cell) -> tuple[tuple[str, str, str], Problem | None]:
    """(name, pinyin, initials): spaces used for alignment removed, the middle dot of 维吾尔/哈萨克 names kept."""
    if not isinstance(cell, str):
        cell = display(cell)
    name, pinyin, initials, problem = _name(cell)
    return (name, pinyin, initials), problem


# ---- mobile -----------------------------------------------------------------------------------------

_PLAIN_MOBILE = re.compile(r"1[3-9][0-9]{9}\Z")


def mobile(cell) -> tuple[str, Problem | None]:
    if type(cell) is str:
        if _PLAIN_MOBILE.match(cell):
            return cell, None
        if not cell.strip():
            return "", None
    elif isinstance(cell, float) and cell.is_integer():
        cell = str(int(cell))  # a number cell: Excel keeps 11 digits exactly
    elif cell is None:
        return "", None
    else:
        cell = display(cell)
    try:
        return clean_mobile(cell), None
    except ValidationError as error:
        return "", Problem(" ".join(error.messages))


# ---- dates ------------------------------------------------------------------------------------------

EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DATE_TEXT = re.compile(
    r"(?P<y>\d{4})\s*[-./年]\s*(?P<m>\d{1,2})\s*(?:[-./月]\s*(?P<d>\d{1,2})\s*日?|月)?"
    r"(?:\s*[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\Z"
)
_DATE_DIGITS = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})?\Z")


def _build(year: int, month: int, day: int | None, written: str) -> tuple[datetime.date | None, bool, Problem | None]:
    try:
        return datetime.date(year, month, day or 1), day is None, None
    except ValueError:
        return None, False, Problem(_("%(value)s is not a real date.") % {"value": written})


def _parse_date(cell) -> tuple[datetime.date | None, bool, Problem | None]:
    """(date, month_only, problem); a year and month alone (2019.03, 2019年3月) mean that month's first day."""
    if isinstance(cell, datetime.datetime):
        return cell.date(), False, None
    if isinstance(cell, datetime.date):
        return cell, False, None
    if isinstance(cell, bool):
        return None, False, Problem(_("%(value)s is not a date.") % {"value": display(cell)})
    if isinstance(cell, (int, float)):
        number = float(cell)
        if number.is_integer() and 19000101 <= number <= 21001231:  # 20190301 typed into a number cell
            digits = str(int(number))
            return _build(int(digits[:4]), int(digits[4:6]), int(digits[6:]), digits)
        if 1900 <= number < 2100 and not number.is_integer():
            # 2019.03 typed into a General cell becomes the number 2019.03, and 2019.10 becomes 2019.1
            written = repr(number)
            year, fraction = written.split(".")
            if len(fraction) != 2:
                return None, False, Problem(_(
                    "%(value)s was turned into a number by Excel: it may be January or October. Set the "
                    "column to text or to a date and enter it again."
                ) % {"value": written})
            return _build(int(year), int(fraction), None, written)
        if number.is_integer() and 1 <= number <= 73050:  # an Excel serial date up to 2099
            return EXCEL_EPOCH + datetime.timedelta(days=int(number)), False, None
        return None, False, Problem(_("%(value)s is not a date.") % {"value": display(cell)})
    written = text(cell)
    if not written:
        return None, False, None
    match = _DATE_TEXT.match(written) or _DATE_DIGITS.match(written)
    if match is None:
        return None, False, Problem(_("%(value)s is not a date we can read; write it as 2019-03-01 or 2019.03.")
                                    % {"value": written})
    day = match.group("d")
    return _build(int(match.group("y")), int(match.group("m")), int(day) if day else None, written)


class DateColumn:
    """A cache of parsed dates: a roster of 100,000 people has a few thousand distinct dates."""

    def __init__(self) -> None:
        self.cache: dict = {}

    def __call__(self, cell) -> tuple[datetime.date | None, bool, Problem | None]:
        try:
            found = self.cache.get(cell)
        except TypeError:  # unhashable: never from calamine or csv, but never crash either
            return _parse_date(cell)
        if found is None:
            found = self.cache[cell] = _parse_date(cell)
        return found


def today() -> datetime.date:
    return timezone.localdate()


# ---- choices ----------------------------------------------------------------------------------------

GENDERS = {"男": "M", "男性": "M", "M": "M", "MALE": "M", "女": "F", "女性": "F", "F": "F", "FEMALE": "F"}

ETHNICITIES = {name: name for name in ETHNIC_GROUPS}
# 汉 → 汉族, 维吾尔 → 维吾尔族
ETHNICITIES.update({name[:-1]: name for name in ETHNIC_GROUPS if name.endswith("族")})
ETHNICITIES["穿青人"] = ""  # recorded as 穿青人 on some IDs: no GB 3304 group, left empty with a warning below

EDUCATION = {
    **dict.fromkeys(["博士研究生", "博士", "硕士研究生", "硕士", "研究生", "博士研究生毕业", "硕士研究生毕业"],
                    Education.POSTGRADUATE),
    **dict.fromkeys(["大学本科", "本科", "大学", "本科毕业", "学士"], Education.BACHELOR),
    **dict.fromkeys(["大学专科", "大专", "专科", "高职", "高职高专"], Education.COLLEGE),
    **dict.fromkeys(["高中", "中专", "职高", "技校", "中技", "中等专科", "普通高中", "中职", "高中及中专",
                     "中等职业教育"], Education.SECONDARY),
    **dict.fromkeys(["初中", "小学", "初中及以下", "初中以下", "文盲", "半文盲"], Education.JUNIOR),
}

_DEMOCRATIC_PARTIES = ("民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟")
POLITICAL = {
    **dict.fromkeys(["中共党员", "党员", "中国共产党党员", "共产党员"], PoliticalStatus.CPC_MEMBER),
    **dict.fromkeys(["中共预备党员", "预备党员"], PoliticalStatus.CPC_PROBATIONARY),
    **dict.fromkeys(["共青团员", "团员", "中国共产主义青年团团员"], PoliticalStatus.CYL_MEMBER),
    **dict.fromkeys(["群众", "普通群众"], PoliticalStatus.MASSES),
    **dict.fromkeys(["无党派人士", "无党派", "无党派民主人士"], PoliticalStatus.NON_PARTY),
}
for _party in _DEMOCRATIC_PARTIES:
    for _suffix in ("", "党员", "会员", "盟员", "社员", "成员"):
        POLITICAL[_party + _suffix] = PoliticalStatus.DEMOCRATIC_PARTY
POLITICAL["民主党派"] = PoliticalStatus.DEMOCRATIC_PARTY

EMPLOYMENT = {
    **dict.fromkeys(["在职", "在岗", "正式", "正式工", "正式职工", "合同制", "合同工", "全职", "在编", "劳动合同制"],
                    EmploymentType.EMPLOYED),
    **dict.fromkeys(["劳务派遣", "派遣", "派遣工", "劳务派遣工"], EmploymentType.DISPATCHED),
    **dict.fromkeys(["农民工", "进城务工人员", "外来务工人员", "务工人员"], EmploymentType.MIGRANT),
    **dict.fromkeys(["灵活就业", "灵活就业人员", "临时工", "非全日制"], EmploymentType.FLEXIBLE),
    **dict.fromkeys(["退休", "离退休", "退休返聘", "离休"], EmploymentType.RETIRED),
    **dict.fromkeys(["其他", "其它"], EmploymentType.OTHER),
}

NEW_FORM = {
    **dict.fromkeys(["货车司机", "货运司机"], NewFormGroup.TRUCK_DRIVER),
    **dict.fromkeys(["快递员", "快递小哥", "快递"], NewFormGroup.COURIER),
    **dict.fromkeys(["外卖送餐员", "外卖骑手", "外卖员", "送餐员"], NewFormGroup.FOOD_DELIVERY),
    **dict.fromkeys(["网约车司机", "网约车驾驶员"], NewFormGroup.RIDE_HAILING),
    **dict.fromkeys(["网约配送员", "即时配送员", "骑手"], NewFormGroup.ONLINE_DELIVERY),
    **dict.fromkeys(["互联网营销师", "网络主播", "带货主播"], NewFormGroup.ONLINE_MARKETER),
    **dict.fromkeys(["其他", "其它", "其他新就业形态"], NewFormGroup.OTHER),
    **dict.fromkeys(["否", "无", "不是", "非", "-", "—", "/"], ""),
}

YES = {"是", "Y", "YES", "√", "✓", "1", "TRUE", "对", "一线"}
NO = {"否", "N", "NO", "×", "0", "FALSE", "不是", "非一线", "-", "/", "—"}


class ChoiceColumn:
    """A label → choice cache for one column; unknown labels give a warning and `fallback`."""

    def __init__(self, choices: dict[str, str], message: str, fallback: str = "") -> None:
        # the choices' values as plain str, not the model's enum members: the database driver binds a plain str
        # directly and looks up an adapter for a str subclass (0.15 s of a 100,000-row import's write)
        self.choices = {label: getattr(value, "value", value) for label, value in choices.items()}
        self.message, self.fallback = message, getattr(fallback, "value", fallback)
        self.cache: dict = {}

    def __call__(self, cell) -> tuple[str, Problem | None]:
        found = self.cache.get(cell) if isinstance(cell, (str, float, int)) else None
        if found is None:
            label = key(cell)
            if not label:
                found = ("", None)
            elif label.upper() in self.choices or label in self.choices:
                value = self.choices.get(label, self.choices.get(label.upper()))
                found = (value, None) if value else ("", Problem(self.message % {"value": label}, WARNING))
            else:
                found = (self.fallback, Problem(self.message % {"value": label}, WARNING))
            if isinstance(cell, (str, float, int)):
                self.cache[cell] = found
        return found


def choice_columns() -> dict[str, ChoiceColumn]:
    return {
        "ethnicity": ChoiceColumn(
            ETHNICITIES, _("“%(value)s” is not one of the 56 ethnic groups; 民族 was left empty.")),
        "education": ChoiceColumn(
            EDUCATION, _("“%(value)s” is not a known level of education; 学历 was left empty.")),
        "political_status": ChoiceColumn(
            POLITICAL, _("“%(value)s” is not one of the political statuses the registry records; 政治面貌 was left "
                         "empty.")),
        "employment_type": ChoiceColumn(
            EMPLOYMENT, _("“%(value)s” is not a known employment type; it was recorded as 其他."),
            fallback=EmploymentType.OTHER),
        "new_form_group": ChoiceColumn(
            NEW_FORM, _("“%(value)s” is not a known 新就业形态 group; it was recorded as 其他新就业形态."),
            fallback=NewFormGroup.OTHER),
    }


def gender(cell) -> tuple[str, Problem | None]:
    label = key(cell)
    if not label:
        return "", None
    value = GENDERS.get(label.upper())
    if value is None:
        return "", Problem(_("“%(value)s” is not a gender (男 or 女).") % {"value": label})
    return value, None


def front_line(cell) -> tuple[bool, Problem | None]:
    label = key(cell).upper()
    if label in YES:
        return True, None
    if not label or label in NO:
        return False, None
    return False, Problem(_("“%(value)s” is neither 是 nor 否; the member was not marked as front-line.")
                          % {"value": label}, WARNING)


class CachedColumn:
    """Any per-cell rule with a cache, for columns with few distinct values (岗位, 备注, 会员证号 prefixes)."""

    def __init__(self, function) -> None:
        self.function = function
        self.cache: dict = {}

    def __call__(self, cell):
        try:
            found = self.cache.get(cell)
        except TypeError:
            return self.function(cell)
        if found is None:
            found = self.cache[cell] = self.function(cell)
        return found


def short_text(cell, limit: int, label: str) -> tuple[str, Problem | None]:
    value = _SPACES.sub(" ", text(cell))
    if len(value) > limit:
        return "", Problem(_("%(field)s has at most %(limit)d characters; this one has %(count)d.")
                           % {"field": label, "limit": limit, "count": len(value)})
    return value, None


_CARD = re.compile(r"[0-9A-Z][0-9A-Z\-_/.]*\Z")


def card_no(cell) -> tuple[str, Problem | None]:
    if type(cell) is str and len(cell) <= 32 and _CARD.match(cell):
        return cell, None
    if isinstance(cell, float) and cell.is_integer():
        cell = str(int(cell))
    value = _SPACES.sub("", text(cell)).upper()
    if not value:
        return "", None
    if len(value) > 32 or not _CARD.match(value):
        return "", Problem(_("A member card number has at most 32 letters, digits and dashes; “%(value)s” is not one.")
                           % {"value": value})
    return value, None
