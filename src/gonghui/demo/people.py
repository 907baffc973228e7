"""Generated members, written in bulk: every value the member services would set, computed here.

A `MemberFactory` turns "a woman in the staff of this unit, in this union" into a Member row (name and its
pinyin keys, 身份证号 with a valid check digit matching the gender and birth date, mobile, ethnicity,
education, political status, employment type, post, front-line flag, join date, card number by the rule of
members/identity.py, status), with the encrypted 身份证号 and mobile and their keyed hashes, plus the
member's first MembershipEvent ("joined" or "imported"), and optionally a 女职工 record. Rows go through
demo/bulk.py; the caller rebuilds the member tallies at the end (members/tally.py).

Profiles by sector give the ratios: who works where, with which schooling, posts and forms of employment.
They are plausible, not statistics of a real place.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from functools import lru_cache

from gonghui.core import crypto
from gonghui.members.identity import card_number, card_sequence, name_search_keys
from gonghui.members.models import (
    EmploymentType,
    EventKind,
    Member,
    MembershipEvent,
    NewFormGroup,
    RetainReason,
    Status,
    Transfer,
    WomenRecord,
)
from gonghui.members.services import last_generated_card

from .bulk import TableWriter, Values, reset_sequences
from .identifiers import LOCAL_AREAS, MIGRANT_AREAS, citizen_id_from, mobile
from .names import member_name, uyghur_name

MEMBER_COLUMNS = (
    "id", "created_at", "updated_at", "name", "name_pinyin", "name_initials", "gender", "ethnicity", "birth_date",
    "citizen_id", "citizen_id_hash", "mobile", "mobile_hash", "education", "political_status", "employment_type",
    "new_form_group", "is_front_line", "post", "unit", "union", "group", "path", "join_date", "card_no", "status",
    "status_since", "retain_reason", "transfer_to", "transfer_to_path", "last_active_on", "inactivity_reviewed_on",
    "user", "notes",
)
EVENT_COLUMNS = ("id", "member", "kind", "on", "from_node", "to_node", "status_before", "status_after", "reason",
                 "actor", "actor_name", "at")
WOMEN_COLUMNS = ("id", "created_at", "updated_at", "member", "path", "details", "last_gynaecological_check",
                 "last_general_check")
TRANSFER_COLUMNS = ("id", "member", "from_union", "to_union", "from_path", "to_path", "status", "reason", "sent_on",
                    "sent_by", "decided_on", "decided_by", "decision_note")

# The history row of each status reached from active (or, for refused, from applicant).
STATUS_EVENTS = {
    Status.IN_TRANSFER: EventKind.TRANSFER_OUT, Status.RETAINED: EventKind.RETAINED,
    Status.WITHDRAWN: EventKind.WITHDRAWN, Status.EXPELLED: EventKind.EXPELLED, Status.DECEASED: EventKind.DECEASED,
    Status.REFUSED: EventKind.REFUSED,
}

# Ethnic groups other than 汉族, weighted roughly as in the eastern provinces' workforce.
MINORITIES = ("回族",) * 4 + ("满族",) * 3 + ("壮族", "苗族", "土家族", "蒙古族", "彝族", "朝鲜族", "布依族", "侗族",
                                           "维吾尔族")
MINORITY_SHARE = 0.045


@dataclass(frozen=True)
class Profile:
    """How the staff of one sector look. Tuples are drawn uniformly, so repeating a value weights it."""

    posts: tuple[tuple[str, bool], ...]  # (post, front-line)
    education: tuple[str, ...]
    cpc_share: float
    dispatched_share: float = 0.0
    # posts whose holders belong to a 新就业形态 group, and the group
    new_form: dict[str, str] = field(default_factory=dict)
    # share of the new-form workers who work flexibly (no labour contract with the unit)
    flexible_share: float = 0.0


def _edu(postgraduate: int, bachelor: int, college: int, secondary: int, junior: int) -> tuple[str, ...]:
    return (("postgraduate",) * postgraduate + ("bachelor",) * bachelor + ("college",) * college
            + ("secondary",) * secondary + ("junior",) * junior)


def _posts(spec: str) -> tuple[tuple[str, bool], ...]:
    """"教师*6 班主任*2 教务员- ...": a post, its weight after `*`, and `-` for posts away from the front line."""
    posts: list[tuple[str, bool]] = []
    for item in spec.split():
        name, _, weight = item.partition("*")
        front_line = not name.endswith("-")
        posts += [(name.rstrip("-"), front_line)] * int(weight or 1)
    return tuple(posts)


PROFILES: dict[str, Profile] = {
    "school": Profile(posts=_posts("教师*6 班主任*2 教研组长 教务员- 后勤保障- 校医"),
                      education=_edu(3, 12, 3, 1, 0), cpc_share=0.32, dispatched_share=0.02),
    "hospital": Profile(posts=_posts("护士*5 医师*4 药剂师 检验技师 影像技师 行政管理- 后勤保障- 护工"),
                        education=_edu(3, 10, 5, 2, 0), cpc_share=0.22, dispatched_share=0.08),
    "government": Profile(posts=_posts("科员-*4 办事员-*2 科长- 窗口服务 驾驶员-"),
                          education=_edu(4, 12, 3, 1, 0), cpc_share=0.62, dispatched_share=0.1),
    "manufacturing": Profile(posts=_posts("操作工*8 装配工*4 质检员*2 班组长 设备维修工 技术员- 仓管员 销售- "
                                          "行政管理-"),
                             education=_edu(0, 2, 4, 8, 6), cpc_share=0.08, dispatched_share=0.08),
    "construction": Profile(posts=_posts("钢筋工*3 木工*2 泥瓦工*2 施工员 安全员 塔吊司机 项目经理- 资料员-"),
                            education=_edu(0, 1, 2, 6, 11), cpc_share=0.06, dispatched_share=0.1),
    "logistics": Profile(posts=_posts("快递员*5 货车司机*3 分拣员*3 调度员- 仓管员 客服-"),
                         education=_edu(0, 1, 3, 8, 8), cpc_share=0.06, dispatched_share=0.12,
                         new_form={"快递员": NewFormGroup.COURIER, "货车司机": NewFormGroup.TRUCK_DRIVER},
                         flexible_share=0.3),
    "delivery": Profile(posts=_posts("外卖骑手*6 快递员*4 网约车司机*3 货车司机*2 网络主播- 站长- 调度员-"),
                        education=_edu(0, 1, 4, 9, 6), cpc_share=0.04, dispatched_share=0.05,
                        new_form={"外卖骑手": NewFormGroup.FOOD_DELIVERY, "快递员": NewFormGroup.COURIER,
                                  "网约车司机": NewFormGroup.RIDE_HAILING, "货车司机": NewFormGroup.TRUCK_DRIVER,
                                  "网络主播": NewFormGroup.ONLINE_MARKETER},
                        flexible_share=0.7),
    "services": Profile(posts=_posts("服务员*4 收银员*2 厨师*2 保洁员 保安 店长- 会计- 维修工"),
                        education=_edu(0, 1, 3, 8, 8), cpc_share=0.05, dispatched_share=0.06),
    "office": Profile(posts=_posts("软件工程师-*4 产品经理- 设计师- 会计- 律师- 客户经理- 行政- 测试工程师-"),
                      education=_edu(4, 12, 3, 1, 0), cpc_share=0.14, dispatched_share=0.03),
    "agriculture": Profile(posts=_posts("种植工*4 养殖员*2 农机手 技术员- 销售-"),
                           education=_edu(0, 1, 2, 6, 11), cpc_share=0.08, dispatched_share=0.03),
    "utility": Profile(posts=_posts("运行值班员*4 检修工*3 锅炉工 化验员 安全员 工程师- 行政管理-"),
                       education=_edu(1, 6, 6, 6, 1), cpc_share=0.2, dispatched_share=0.1),
}


def sector(kind: str, industry: str) -> str:
    """The profile of a unit, from its kind and GB/T 4754 section."""
    if kind == "government":
        return "government"
    return {"P": "school", "Q": "hospital", "S": "government", "C": "manufacturing", "B": "manufacturing",
            "E": "construction", "G": "logistics", "A": "agriculture", "D": "utility", "I": "office",
            "M": "office", "J": "office", "L": "office", "R": "services"}.get(industry, "services")


@lru_cache(maxsize=65536)
def _day_parts(ordinal: int) -> tuple[str, int, int]:
    day = datetime.date.fromordinal(ordinal)
    return day.strftime("%Y%m%d"), day.month, day.day


@dataclass
class Placement:
    """Where a generated member belongs: union (its id, path and code for the card number), unit, group."""

    union_id: int
    union_path: str
    union_code: str
    unit_id: int | None = None
    group_id: int | None = None
    group_path: str | None = None

    @property
    def path(self) -> str:
        return self.group_path or self.union_path


class MemberFactory:
    """Generates members and writes them through TableWriters (flush() at the end)."""

    def __init__(self, rng: random.Random, *, today: datetime.date, event_kind: str = EventKind.JOINED,
                 batch_size: int = 20_000, new_unions: bool = False):
        self.rng = rng
        self.today = today
        self.today_ordinal = today.toordinal()
        self.event_kind = event_kind
        self.values = Values()
        self.members = TableWriter(Member, MEMBER_COLUMNS, batch_size=batch_size)
        self.events = TableWriter(MembershipEvent, EVENT_COLUMNS, batch_size=batch_size)
        self.women = TableWriter(WomenRecord, WOMEN_COLUMNS, batch_size=batch_size)
        self.transfers = TableWriter(Transfer, TRANSFER_COLUMNS, batch_size=batch_size)
        self.taken_hashes: set[str] = set(Member.objects.values_list("citizen_id_hash", flat=True))
        self.card_counters: dict[str, int] = {}
        # unions created in the same build have no cards yet: no need to look up their last number
        self.new_unions = new_unions
        self.names: dict[str, tuple[str, str]] = {}
        self.counts: dict[str, int] = {}

    # ---- one member ------------------------------------------------------------------------------------

    def next_card(self, union_code: str) -> str:
        number = self.card_counters.get(union_code)
        if number is None:
            number = 0 if self.new_unions else card_sequence(union_code, last_generated_card(union_code))
        number += 1
        self.card_counters[union_code] = number
        return card_number(union_code, number)

    def identity(self, *, female: bool, age_years: float, migrant: bool) -> tuple[str, int, str, str]:
        """(身份证号, birth ordinal, its ciphertext, its hash): a number nobody else has."""
        rng = self.rng
        areas = MIGRANT_AREAS if migrant else LOCAL_AREAS
        while True:
            born = self.today_ordinal - int(age_years * 365.2425)
            compact, _month, _day = _day_parts(born)
            sequence = int(rng.random() * 500) * 2 + (0 if female else 1)
            number = citizen_id_from(areas[int(rng.random() * len(areas))], compact, sequence)
            digest = crypto.lookup_hash(number)
            if digest not in self.taken_hashes:
                self.taken_hashes.add(digest)
                return number, born, crypto.encrypt(number), digest

    def add(self, place: Placement, profile: Profile, *, female: bool, migrant: bool = False,
            status: str = Status.ACTIVE, age: float | None = None, name: str | None = None,
            post: tuple[str, bool] | None = None, retain_reason: str = "", employment_type: str | None = None,
            transfer_to: tuple[int, str] | None = None, inactive: bool = False, user_id: int | None = None,
            status_days_ago: int | None = None, reason: str = "") -> int:
        """One member; returns its id. `age` defaults to a working age (20–60, most around 40). A status other
        than active or applicant gets its second history row (retained, withdrawn, transfer sent...) dated
        `status_days_ago`; a pending Transfer row is the caller's (see transfer())."""
        rng = self.rng
        values = self.values
        today = self.today_ordinal
        if age is None:
            age = 20 + (rng.random() + rng.random()) * 20
        ethnicity = "汉族"
        if rng.random() < MINORITY_SHARE:
            ethnicity = MINORITIES[int(rng.random() * len(MINORITIES))]
        if name is None:
            name = uyghur_name(rng, female=female) if ethnicity == "维吾尔族" else member_name(rng, female=female)
        keys = self.names.get(name)
        if keys is None:
            keys = self.names[name] = name_search_keys(name)
        _number, born, citizen_cipher, citizen_hash = self.identity(female=female, age_years=age, migrant=migrant)
        phone = mobile(rng)
        if post is None:
            post = profile.posts[int(rng.random() * len(profile.posts))]
        new_form = profile.new_form.get(post[0], "")
        if employment_type is None:
            if migrant:
                employment_type = EmploymentType.MIGRANT
            elif new_form and rng.random() < profile.flexible_share:
                employment_type = EmploymentType.FLEXIBLE
            elif rng.random() < profile.dispatched_share:
                employment_type = EmploymentType.DISPATCHED
            else:
                employment_type = EmploymentType.EMPLOYED
        education = profile.education[int(rng.random() * len(profile.education))]
        draw = rng.random()
        if draw < profile.cpc_share:
            political = "cpc_member"
        elif draw < profile.cpc_share + 0.01:
            political = "cpc_probationary"
        elif draw < profile.cpc_share + 0.025:
            political = "democratic_party" if education in ("postgraduate", "bachelor") else "masses"
        elif age < 28 and draw < profile.cpc_share + 0.4:
            political = "cyl_member"
        else:
            political = "masses"
        working_years = max(age - 19.0, 0.5)
        joined = today - int(rng.random() * min(working_years, 30.0) * 365.2425) - 1
        if status_days_ago is not None:
            joined = min(joined, today - status_days_ago - 30)
        since = joined if status_days_ago is None else today - status_days_ago
        # six months without dues or union life for the inactive ones, recent for everyone else
        last_active = today - 190 - int(rng.random() * 240) if inactive else today - int(rng.random() * 100)
        member_id = self.members.allocate_id()
        now = values.now
        union_id = place.union_id
        path = place.path
        self.members.add((
            member_id, now, now, name, keys[0], keys[1], "F" if female else "M", ethnicity, values.day(born),
            citizen_cipher, citizen_hash, crypto.encrypt(phone), crypto.lookup_hash(phone), education, political,
            employment_type, new_form, post[1], post[0], place.unit_id, union_id, place.group_id, path,
            values.day(joined) if status != Status.APPLICANT else None, self.next_card(place.union_code), status,
            values.day(since), retain_reason, transfer_to[0] if transfer_to else None,
            transfer_to[1] if transfer_to else "", values.day(last_active) if status != Status.APPLICANT else None,
            None, user_id, "",
        ))
        first_status = Status.APPLICANT if status in (Status.APPLICANT, Status.REFUSED) else Status.ACTIVE
        kind = EventKind.APPLIED if first_status == Status.APPLICANT else self.event_kind
        self.event(member_id, kind=kind, on=joined, to_node=union_id, status_before="", status_after=first_status)
        if status != first_status:
            # the step that led to the current status, as the lifecycle service would have recorded it
            to_node = transfer_to[0] if transfer_to else None
            self.event(member_id, kind=STATUS_EVENTS[status], on=since, status_before=first_status,
                       status_after=status, from_node=union_id if to_node else None, to_node=to_node,
                       reason=reason or (str(RetainReason(retain_reason).label) if retain_reason else ""))
        self.counts[status] = self.counts.get(status, 0) + 1
        return member_id

    def event(self, member_id: int, *, kind: str, on: int, status_before: str, status_after: str,
              from_node: int | None = None, to_node: int | None = None, reason: str = "") -> None:
        self.events.add((self.events.allocate_id(), member_id, kind, self.values.day(on), from_node, to_node,
                         status_before, status_after, reason, None, "", self.values.now))

    def women_record(self, member_id: int, path: str, *, details: dict | None = None,
                     gynaecological: int | None = None, general: int | None = None) -> None:
        """A 女职工 record: check dates as day ordinals; `details` (五期, encrypted) in the keys that
        members/women/services.py reads."""
        values = self.values
        self.women.add((self.women.allocate_id(), values.now, values.now, member_id, path,
                        crypto.encrypt_json(details) if details else "",
                        values.day(gynaecological) if gynaecological else None,
                        values.day(general) if general else None))

    def transfer(self, member_id: int, *, from_union: tuple[int, str], to_union: tuple[int, str], sent_on: int,
                 reason: str) -> None:
        """A pending transfer (the member row must be IN_TRANSFER with transfer_to set)."""
        self.transfers.add((self.transfers.allocate_id(), member_id, from_union[0], to_union[0], from_union[1],
                            to_union[1], "pending", reason, self.values.day(sent_on), None, None, None, ""))

    def flush(self) -> None:
        """Write what is left, then let the services insert after the explicit ids used here."""
        for writer in (self.members, self.events, self.women, self.transfers):
            writer.flush()
        reset_sequences([Member, MembershipEvent, WomenRecord, Transfer])
