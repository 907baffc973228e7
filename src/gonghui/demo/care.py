"""Two years of care in the demo county (issue 4 §11): the county's 低保 standard, a care budget for every
union, hardship files with their history (some out of hardship), assistance, visits with gifts, reported
events waiting for a visit, the county's campaigns (送温暖, 送清凉, 金秋助学) and its 一日捐 drive.

Every payment obeys the spending rules of care/caps.py, checked here by a small in-memory copy of them
(`Rules`) before the record is written: festival gifts as goods and at most the yearly cap, hardship kinds only
with a file on file at that date, nothing from union funds for retirees (their retirement souvenir is paid
from the unit's administrative funds), the same illness once a year, and never above the budget — a payment
that does not fit is left out, as the service would refuse it. tests/test_demo_care.py checks the result
again with care.caps itself.

Written with bulk_create, and the many assistance rows with the raw writer of demo/bulk.py, from a
seeded random stream: the same seed and day give the same data.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.care import caps
from gonghui.care.models import (
    Assistance,
    AssistanceKind,
    AssistanceStatus,
    Campaign,
    CampaignRecipient,
    CareBudget,
    CareNotice,
    Donation,
    Funding,
    GiftForm,
    HardshipCategory,
    HardshipCause,
    HardshipEvent,
    HardshipEventKind,
    HardshipFile,
    HardshipStatus,
    LivingAllowanceStandard,
    Visit,
)
from gonghui.core import crypto
from gonghui.orgs.models import OrgNode

from .activities import CHAIR_UNION, DemoMember, db_time, demo_population
from .bulk import TableWriter, Values, reset_sequences

DAY = datetime.timedelta(days=1)
STANDARDS = [(0, 1, 1, Decimal("880.00")), (1, 7, 1, Decimal("920.00"))]  # (years after last year, month, day)
ILLNESSES = ["腰椎间盘突出手术", "急性阑尾炎", "骨折", "肺炎住院", "心脏支架手术", "甲状腺手术", "胆囊切除术", "脑梗塞",
             "乳腺癌化疗", "肾结石"]
HOSPITALS = ["滨湖区人民医院", "滨湖区中医院", "市第一人民医院", "省立医院", "家中"]
UNIT_DONORS = [("滨湖热电有限公司", "10000"), ("恒通精密机械有限公司", "8000"), ("湖滨商贸集团股份有限公司", "5000"),
               ("德盛电子（滨湖）有限公司", "20000")]
FESTIVAL_GOODS = [(1, 20, "春节慰问品（米、油、年货礼盒）"), (9, 18, "中秋慰问品（月饼、水果）")]
COOLNESS_GOODS = "防暑降温用品（绿豆、白糖、藿香正气水、毛巾）"
# Assistance is the one big table (every member's festival gifts): written raw, in this column order.
ASSISTANCE_COLUMNS = [
    "id", "created_at", "updated_at", "union", "path", "kind", "member", "hardship_file", "campaign", "amount",
    "form", "goods", "funding", "case", "reason", "on", "status", "submission", "requested_by", "approved_by",
    "approved_at", "paid_by", "paid_at", "payment_ref", "confirmed_at", "confirmed_how", "decision_note",
]


def money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


class Rules:
    """The rules of care/caps.py over the records generated so far (nothing is read from the database)."""

    def __init__(self):
        self.caps = caps.caps()
        self.budgets: dict[tuple[int, int, str], Decimal] = {}   # (union id, year, kind or "") → amount
        self.spent: dict[tuple[int, int, str], Decimal] = defaultdict(Decimal)
        self.per_year: dict[tuple[int, str, int], Decimal] = defaultdict(Decimal)   # (member, rule, year)
        self.cases: set[tuple[int, str, int, str]] = set()

    def budget(self, union_id: int, year: int, kind: str, amount: Decimal) -> None:
        self.budgets[(union_id, year, kind)] = amount

    def line(self, union_id: int, year: int, kind: str) -> tuple[int, int, str] | None:
        for key in ((union_id, year, kind), (union_id, year, "")):
            if key in self.budgets:
                return key
        return None

    def allow(self, *, union_id: int, member: DemoMember, kind: str, amount: Decimal, form: str, funding: str,
              on: datetime.date, case: str = "", file_active: bool = False) -> bool:
        """Whether the payment fits every rule; if it does, it is counted."""
        charges = []
        for cap in self.caps:
            if kind not in cap.kinds:
                continue
            if form in cap.refused_forms or (cap.needs_hardship_file and not file_active):
                return False
            if cap.per == "payment" and amount > cap.maximum:
                return False
            if cap.per == "year":
                key = (member.id, cap.name, on.year)
                if self.per_year[key] + amount > cap.maximum:
                    return False
                charges.append(key)
            if cap.per == "case-year" and (not case or amount > cap.maximum
                                           or (member.id, cap.name, on.year, case) in self.cases):
                return False
        line = None
        if funding == Funding.UNION_FUNDS:
            if member.retired and settings.GONGHUI_CARE.get("NO_UNION_FUNDS_FOR_RETIREES", True):
                return False
            line = self.line(union_id, on.year, kind)
            if line is None or self.spent[line] + amount > self.budgets[line]:
                return False
        for key in charges:
            self.per_year[key] += amount
        if case:
            for cap in self.caps:
                if kind in cap.kinds and cap.per == "case-year":
                    self.cases.add((member.id, cap.name, on.year, case))
        if line is not None:
            self.spent[line] += amount
        return True


class _Care:
    def __init__(self, rng: random.Random, root: OrgNode, today: datetime.date,
                 population: dict[int, list[DemoMember]]):
        self.rng = rng
        self.root = root
        self.today = today
        self.years = [today.year - 1, today.year]
        self.population = population
        self.nodes = {node.pk: node for node in OrgNode.objects.filter(path__under=root.path)}
        self.by_code = {node.code: node for node in self.nodes.values()}
        users = {user.username: user for user in User.objects.filter(
            username__in=["officer", "chair", "finance", "qu_admin", "street_admin"])}
        self.admin = users.get("qu_admin")
        self.officer = users.get("officer")
        self.chair = users.get("chair")
        self.finance = users.get("finance")
        self.rules = Rules()
        self.assistance: list[Assistance] = []
        self.visits: list[tuple[Visit, Assistance | None, CareNotice | None]] = []
        self.notices: list[CareNotice] = []
        self.files: list[HardshipFile] = []
        self.events: list[HardshipEvent] = []
        self.recipients: list[tuple[CampaignRecipient, Assistance | None]] = []
        self.members = {member.id: member for members in population.values() for member in members}
        self.writer = TableWriter(Assistance, ASSISTANCE_COLUMNS, batch_size=20_000)  # ids given as records are made

    def actor(self, union: OrgNode) -> User | None:
        return self.officer if union.code == CHAIR_UNION else self.admin

    def active(self, union_id: int) -> list[DemoMember]:
        return [member for member in self.population[union_id] if not member.retired]

    # ------------------------------------------------------------------ standards and budgets

    def standards(self) -> None:
        LivingAllowanceStandard.objects.bulk_create([
            LivingAllowanceStandard(node=self.root, path=self.root.path, monthly_amount=amount,
                                    effective_from=datetime.date(self.years[0] + offset, month, day),
                                    source=f"滨民〔{self.years[0] + offset}〕{12 + offset * 7}号")
            for offset, month, day, amount in STANDARDS
            if datetime.date(self.years[0] + offset, month, day) <= self.today
        ])

    def budgets(self) -> None:
        lines = []
        for year in self.years:
            for union_id in sorted(self.population):
                union = self.nodes[union_id]
                active = len(self.active(union_id))
                if not active:
                    continue
                if active >= 150:   # a line of its own for the festival gifts, the rest on the general line
                    lines.append((union, year, AssistanceKind.FESTIVAL, Decimal(900 * active), "节日慰问品专项"))
                    general = Decimal(round(200 * active + 20000, -3))
                else:
                    general = Decimal(round(1100 * active + 20000, -3))
                lines.append((union, year, "", general, "年度帮扶慰问预算"))
            lines.append((self.root, year, "", Decimal("400000"), "区总工会送温暖、送清凉、金秋助学专项"))
        objects = []
        for node, year, kind, amount, note in lines:
            self.rules.budget(node.pk, year, kind, money(amount))
            objects.append(CareBudget(node=node, path=node.path, year=year, kind=kind, amount=money(amount), note=note))
        CareBudget.objects.bulk_create(objects, batch_size=500)

    # ------------------------------------------------------------------ payments

    def pay(self, *, union: OrgNode, member: DemoMember, kind: str, amount, on: datetime.date,
            form: str = GiftForm.CASH, funding: str = Funding.UNION_FUNDS, goods: str = "", case: str = "",
            file: HardshipFile | None = None, campaign: Campaign | None = None, reason: str = "",
            status: str | None = None) -> Assistance | None:
        amount = money(amount)
        active_file = file is not None and _on_file(file, on)
        if not self.rules.allow(union_id=union.pk, member=member, kind=kind, amount=amount, form=form,
                                funding=funding, on=on, case=case, file_active=active_file):
            return None
        if status is None:
            recent = (self.today - on).days
            status = (AssistanceStatus.CONFIRMED if recent > 30 else
                      self.rng.choice([AssistanceStatus.APPROVED, AssistanceStatus.PAID, AssistanceStatus.CONFIRMED]))
        actor = self.actor(union)
        moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(10)))
        paid = status in (AssistanceStatus.PAID, AssistanceStatus.CONFIRMED)
        record = Assistance(
            pk=self.writer.allocate_id(), union=union, path=union.path, kind=kind, member_id=member.id,
            hardship_file=file, campaign=campaign,
            amount=amount, form=form, goods=goods, funding=funding, case=case, reason=reason, on=on, status=status,
            requested_by=actor, approved_by=self.chair if union.code == CHAIR_UNION else self.admin,
            approved_at=moment, paid_by=(self.finance if union.code == CHAIR_UNION else self.admin) if paid else None,
            paid_at=moment + DAY if paid else None,
            payment_ref=f"PZ{on:%Y%m}{self.rng.randint(1000, 9999)}" if paid and form == GiftForm.CASH else "",
            confirmed_at=moment + 2 * DAY if status == AssistanceStatus.CONFIRMED else None,
            confirmed_how="本人签字领取" if status == AssistanceStatus.CONFIRMED else "",
        )
        self.assistance.append(record)
        return record

    def festival(self) -> None:
        """春节 and 中秋 goods for every working member, a per-union standard within the yearly cap."""
        for union_id in sorted(self.population):
            union = self.nodes[union_id]
            standard = self.rng.choice([300, 350, 400, 450])
            for year in self.years:
                for month, day, goods in FESTIVAL_GOODS:
                    on = datetime.date(year, month, day)
                    if on >= self.today:
                        continue
                    for member in self.active(union_id):
                        self.pay(union=union, member=member, kind=AssistanceKind.FESTIVAL, amount=standard, on=on,
                                 form=GiftForm.GOODS, goods=goods, status=AssistanceStatus.CONFIRMED)

    # ------------------------------------------------------------------ hardship files

    def hardship(self) -> None:
        standard = STANDARDS[0][3]
        start = datetime.date(self.years[0] - 2, 3, 1)
        for union_id in sorted(self.population):
            union = self.nodes[union_id]
            pool = [member for member in self.active(union_id) if member.user_id is None]
            if len(pool) < 20:
                continue
            count = 4 if union.code == CHAIR_UNION else max(1, round(len(pool) * 0.012))
            for index, member in enumerate(self.rng.sample(pool, count)):
                draw = self.rng.random()
                if union.code == CHAIR_UNION and index == 3:
                    status = HardshipStatus.UNION_APPROVED   # waiting for the street federation
                elif draw < 0.18:
                    status = HardshipStatus.RELIEVED
                elif draw < 0.22:
                    status = HardshipStatus.UNION_APPROVED
                elif draw < 0.24:
                    status = HardshipStatus.RETURNED
                else:
                    status = HardshipStatus.ACTIVE
                self._file(union, member, status, start=start, standard=standard)

    def _file(self, union: OrgNode, member: DemoMember, status: str, *, start: datetime.date,
              standard: Decimal) -> None:
        rng = self.rng
        days_open = (self.today - start).days
        if status in (HardshipStatus.UNION_APPROVED, HardshipStatus.RETURNED):
            filed = self.today - DAY * rng.randint(5, 40)
        elif status == HardshipStatus.RELIEVED:
            filed = start + DAY * rng.randint(0, days_open // 3)
        else:
            filed = start + DAY * rng.randint(0, days_open - 60)
        category = rng.choices([HardshipCategory.DEEP, HardshipCategory.RELATIVE, HardshipCategory.ACCIDENT],
                               [0.25, 0.6, 0.15])[0]
        cause = (HardshipCause.ACCIDENT if category == HardshipCategory.ACCIDENT else
                 rng.choice([HardshipCause.ILLNESS, HardshipCause.ILLNESS, HardshipCause.SCHOOLING,
                             HardshipCause.DISABILITY, HardshipCause.SINGLE_PARENT, HardshipCause.UNEMPLOYMENT,
                             HardshipCause.LOW_INCOME]))
        size = rng.randint(2, 5)
        ratio = {HardshipCategory.DEEP: rng.uniform(0.55, 0.95), HardshipCategory.RELATIVE: rng.uniform(1.1, 1.95),
                 HardshipCategory.ACCIDENT: rng.uniform(1.4, 2.8)}[category]
        spending = money(rng.randint(8, 60) * 1000 if cause in (HardshipCause.ILLNESS, HardshipCause.ACCIDENT)
                         else rng.randint(0, 10) * 1000)
        income = money(standard * Decimal(str(round(ratio, 3))) * 12 * size + spending)
        per_person = money((income - spending) / 12 / size)
        household = [{"relation": "本人", "age": self.today.year - member.birth_date.year, "health": "一般",
                      "work": "在职"}]
        relations = [("配偶", 30, 60, "务工"), ("子女", 6, 22, "在校学生"), ("父亲", 60, 85, "无"),
                     ("母亲", 58, 84, "无")]
        for relation, low, high, work in relations[:size - 1]:
            household.append({"relation": relation, "age": rng.randint(low, high),
                              "health": "患病" if cause == HardshipCause.ILLNESS and relation != "子女" and
                              rng.random() < 0.5 else "健康", "work": work})
        details = {
            "household": household, "annual_income": str(income), "hardship_spending": str(spending),
            "cause_text": {HardshipCause.ILLNESS: "家庭成员患重病，医疗费用支出大",
                           HardshipCause.SCHOOLING: "子女上大学，学费负担重",
                           HardshipCause.ACCIDENT: "家中遭遇意外事故，收入锐减"}.get(cause, "家庭收入低，负担重"),
            "health": "长期服药" if cause == HardshipCause.ILLNESS else "",
            "sudden_accident": category == HardshipCategory.ACCIDENT, "per_person": str(per_person),
            "standard": f"{standard} 元/人·月",
        }
        union_approved = filed + DAY * rng.randint(2, 8)
        approved = union_approved + DAY * rng.randint(3, 14)
        file = HardshipFile(member_id=member.id, union=union, path=union.path, category=category, cause=cause,
                            household_size=size, details=crypto.encrypt_json(details), status=status, filed_on=filed)
        events = [(HardshipEventKind.FILED, filed, HardshipStatus.DRAFT, "", "")]
        actor = self.actor(union)
        if status == HardshipStatus.RETURNED:
            events.append((HardshipEventKind.RETURNED, union_approved, HardshipStatus.RETURNED, "",
                           "请补充家庭收入证明和医疗费用票据"))
        else:
            file.union_approved_by, file.union_approved_at = actor, _moment(union_approved)
            events.append((HardshipEventKind.UNION_APPROVED, union_approved, HardshipStatus.UNION_APPROVED, "", ""))
        if status in (HardshipStatus.ACTIVE, HardshipStatus.RELIEVED):
            file.approved_by, file.approved_at = self.admin, _moment(approved)
            events.append((HardshipEventKind.APPROVED, approved, HardshipStatus.ACTIVE, "", ""))
            review = approved
            months = settings.GONGHUI_CARE["HARDSHIP_REVIEW_MONTHS"]
            relieved = None
            if status == HardshipStatus.RELIEVED:
                # out of hardship at a date in the two demo years, at least half a year after approval
                earliest = max(approved + DAY * 200, datetime.date(self.years[0], 1, 10))
                latest = self.today - DAY * 10
                if earliest > latest:
                    earliest = latest
                relieved = earliest + DAY * rng.randint(0, (latest - earliest).days)
            while True:
                next_review = _add_months(review, months)
                if next_review > self.today or (relieved and next_review >= relieved - DAY * 183):
                    break
                review = next_review
                events.append((HardshipEventKind.REVIEWED, review, HardshipStatus.ACTIVE, category,
                               "年度复核：仍符合困难职工条件"))
            file.last_reviewed_on = review if review != approved else None
            file.next_review_on = _add_months(review, months)
            if relieved:
                above = relieved - DAY * 183
                file.above_line_since = above
                file.relieved_on = relieved
                file.next_review_on = None
                events.append((HardshipEventKind.REVIEWED, max(above, approved), HardshipStatus.ACTIVE, category,
                               "复核：家庭人均收入已高于低保标准"))
                events.append((HardshipEventKind.RELIEVED, relieved, HardshipStatus.RELIEVED, category,
                               "连续六个月高于低保标准，已脱困"))
        self.files.append(file)
        for kind, on, status_after, before, note in events:
            by = self.admin if kind == HardshipEventKind.APPROVED else actor
            self.events.append(HardshipEvent(
                file=file, kind=kind, on=on, actor=by, actor_name=by.full_name if by else "",
                category_before=before, category_after="" if kind == HardshipEventKind.RETURNED else category,
                status_after=status_after, note=note))

    def hardship_assistance(self) -> None:
        """生活救助 and 医疗救助 while a file is on file, one to three times a year."""
        for file in self.files:
            if file.approved_at is None:
                continue
            member = self.members[file.member_id]
            union = file.union
            for year in self.years:
                for _ in range(self.rng.randint(1, 3)):
                    on = datetime.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
                    if on >= self.today or not _on_file(file, on):
                        continue
                    kind = AssistanceKind.MEDICAL if file.cause == HardshipCause.ILLNESS and self.rng.random() < 0.6 \
                        else AssistanceKind.LIVING
                    amount = self.rng.choice([500, 800, 1000, 1500, 2000])
                    reason = "困难职工帮扶" if kind == AssistanceKind.LIVING else "大病医疗救助"
                    self.pay(union=union, member=member, kind=kind, amount=amount, on=on, file=file, reason=reason)

    # ------------------------------------------------------------------ campaigns

    def campaigns(self) -> None:
        root = self.root
        made = []
        for year in self.years:
            plans = [
                (Campaign.Kind.WARMTH, f"{year}年元旦春节送温暖", datetime.date(year, 1, 5), datetime.date(year, 1, 31),
                 {"categories": list(HardshipCategory.values)}, Decimal("800"), Decimal("120000")),
                (Campaign.Kind.DONATION, f"{year}年“慈善一日捐”", datetime.date(year, 5, 1), datetime.date(year, 5, 31),
                 {}, None, Decimal("150000")),
                (Campaign.Kind.COOLNESS, f"{year}年夏季送清凉", datetime.date(year, 7, 1), datetime.date(year, 8, 15),
                 {"front_line": True, "new_form": True}, Decimal("60"), Decimal("40000")),
                (Campaign.Kind.EDUCATION, f"{year}年金秋助学", datetime.date(year, 8, 10), datetime.date(year, 9, 10),
                 {"categories": [HardshipCategory.DEEP, HardshipCategory.RELATIVE]}, Decimal("1500"), Decimal("80000")),
            ]
            for kind, title, starts, ends, rule, per_person, target in plans:
                if starts >= self.today:
                    continue
                status = Campaign.Status.FINISHED if ends < self.today else Campaign.Status.RUNNING
                made.append(Campaign(kind=kind, node=root, path=root.path, year=year, title=title, starts_on=starts,
                                     ends_on=ends, rule=rule, amount_per_person=per_person, target_amount=target,
                                     status=status, notes="区总工会统一组织，各基层工会协助发放。"))
        # the coming winter's campaign: recipients selected, nothing given yet
        winter = datetime.date(self.today.year + 1, 1, 5)
        made.append(Campaign(kind=Campaign.Kind.WARMTH, node=root, path=root.path, year=winter.year,
                             title=f"{winter.year}年元旦春节送温暖", starts_on=winter, ends_on=winter + 26 * DAY,
                             rule={"categories": list(HardshipCategory.values)}, amount_per_person=Decimal("800"),
                             target_amount=Decimal("120000"), status=Campaign.Status.PLANNED,
                             notes="名单已初选，待各基层工会核实。"))
        Campaign.objects.bulk_create(made)
        for campaign in made:
            {Campaign.Kind.WARMTH: self._warmth, Campaign.Kind.COOLNESS: self._coolness,
             Campaign.Kind.EDUCATION: self._education, Campaign.Kind.DONATION: self._donations}[campaign.kind](campaign)

    def _select(self, campaign: Campaign, member: DemoMember, *, file=None, planned=None, why: str,
                on: datetime.date | None, kind: str, goods: str = "", form: str = GiftForm.CASH) -> Assistance | None:
        record = None
        if on is not None and on < self.today:
            record = self.pay(union=self.root, member=member, kind=kind, amount=planned, on=on, file=file,
                              campaign=campaign, goods=goods, form=form, reason=campaign.title)
        status = CampaignRecipient.Status.GIVEN if record else (
            CampaignRecipient.Status.SELECTED if on is None or on >= self.today else CampaignRecipient.Status.SKIPPED)
        self.recipients.append((CampaignRecipient(campaign=campaign, member_id=member.id, path=member.path,
                                                  hardship_file=file, planned_amount=planned, status=status,
                                                  why=why), record))
        return record

    def _warmth(self, campaign: Campaign) -> None:
        on = campaign.starts_on + DAY * 12
        planned = campaign.status == Campaign.Status.PLANNED
        for file in self.files:
            if not (_on_file(file, on) or (planned and file.status == HardshipStatus.ACTIVE)):
                continue
            member = self.members[file.member_id]
            amount = Decimal("1000") if file.category == HardshipCategory.DEEP else Decimal("800")
            record = self._select(campaign, member, file=file, planned=amount, kind=AssistanceKind.WARMTH,
                                  why=f"困难职工（{file.get_category_display()}）", on=None if planned else on)
            if record is not None:   # handed over at home by the member's union
                union = self.nodes[member.union_id]
                visit = Visit(union=union, path=union.path, member_id=member.id, reason="hardship", visited_on=on,
                              visitors="区总工会、" + union.name, place="家中", gift="送温暖慰问金",
                              gift_value=record.amount,
                              notes="了解家庭近况，送上慰问金。", recorded_by=self.actor(union))
                self.visits.append((visit, record, None))

    def _coolness(self, campaign: Campaign) -> None:
        on = campaign.starts_on + DAY * 10
        chosen = []
        for union_id in sorted(self.population):
            chosen += [member for member in self.active(union_id) if member.new_form or
                       (member.front_line and self.nodes[union_id].code in ("BHRD", "HTJM", "XCJS", "GAWL", "TYFZ"))]
        for member in chosen[:500]:
            self._select(campaign, member, planned=Decimal("60"), kind=AssistanceKind.COOLNESS, on=on,
                         why="新就业形态劳动者" if member.new_form else "一线职工", goods=COOLNESS_GOODS,
                         form=GiftForm.GOODS)

    def _education(self, campaign: Campaign) -> None:
        on = campaign.starts_on + DAY * 15
        for file in self.files:
            if not _on_file(file, on) or not (file.cause == HardshipCause.SCHOOLING or self.rng.random() < 0.25):
                continue
            amount = Decimal("2000") if file.category == HardshipCategory.DEEP else Decimal("1500")
            self._select(campaign, self.members[file.member_id], file=file, planned=amount,
                         kind=AssistanceKind.EDUCATION, on=on, why="困难职工子女考入大学")

    def _donations(self, campaign: Campaign) -> None:
        donations = []
        for union_id in sorted(self.population):
            for member in self.active(union_id):
                if self.rng.random() < 0.3:
                    on = campaign.starts_on + DAY * self.rng.randint(0, 20)
                    if on < self.today:
                        donations.append(Donation(campaign=campaign, member_id=member.id, path=member.path,
                                                  amount=Decimal(self.rng.choice([50, 100, 100, 200, 300, 500])),
                                                  donated_on=on, recorded_by=self.admin))
        for name, amount in UNIT_DONORS:
            donations.append(Donation(campaign=campaign, donor_name=name, path=campaign.path, amount=Decimal(amount),
                                      donated_on=campaign.starts_on + DAY * 25, recorded_by=self.admin))
        Donation.objects.bulk_create(donations, batch_size=2000)

    # ------------------------------------------------------------------ visits and reported events

    def visit_plan(self) -> None:
        reasons = [("illness", 0.4), ("marriage", 0.15), ("birth", 0.15), ("bereavement", 0.15), ("retirement", 0.15)]
        for union_id in sorted(self.population):
            union = self.nodes[union_id]
            active = self.active(union_id)
            retirees = [member for member in self.population[union_id] if member.retired]
            if len(active) < 5:
                continue
            for year in self.years:
                for _ in range(max(1, len(active) // 30) + (4 if union.code == CHAIR_UNION else 0)):
                    reason = self.rng.choices([r for r, _ in reasons], [w for _, w in reasons])[0]
                    on = datetime.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
                    if on >= self.today - DAY * 3:
                        continue
                    if reason == "retirement":
                        if not retirees:
                            continue
                        member = self.rng.choice(retirees)
                    elif reason == "birth":
                        young = [m for m in active if 24 <= year - m.birth_date.year <= 40]
                        member = self.rng.choice(young or active)
                    else:
                        member = self.rng.choice(active)
                    self._visit(union, member, reason, on)
        self._open_notices()

    def _visit(self, union: OrgNode, member: DemoMember, reason: str, on: datetime.date) -> None:
        rng = self.rng
        kind = settings.GONGHUI_CARE["VISIT_REASONS"][reason][1]
        case = ""
        funding = Funding.UNION_FUNDS
        if reason == "illness":
            case = rng.choice(ILLNESSES)
            gift, form, amount = "水果、营养品及慰问金", GiftForm.CASH, rng.choice([300, 500, 800, 1000])
            place = rng.choice(HOSPITALS)
        elif reason == "marriage":
            gift, form, amount, place = "新婚贺礼", GiftForm.CASH, rng.choice([500, 800, 1000]), "单位"
        elif reason == "birth":
            gift, form, amount, place = "母婴用品及慰问金", GiftForm.CASH, rng.choice([500, 800]), "家中"
        elif reason == "bereavement":
            gift, form, amount, place = "花圈、慰问金", GiftForm.CASH, rng.choice([500, 1000]), "家中"
        else:   # a retired member: a souvenir from the unit's administrative funds, not from union funds
            gift, form, amount, place = "退休纪念品", GiftForm.GOODS, rng.choice([300, 500]), "单位"
            funding = Funding.OTHER
        notice = None
        if reason in ("illness", "birth", "bereavement") and rng.random() < 0.7:
            notice = CareNotice(union=union, path=union.path, member_id=member.id, reason=reason,
                                since=on - DAY * rng.randint(1, 5), note=case or "", resolved_on=on,
                                reported_by=self.actor(union))
            self.notices.append(notice)
        record = self.pay(union=union, member=member, kind=kind, amount=amount, on=on, form=form, funding=funding,
                          goods=gift if form == GiftForm.GOODS else "", case=case, reason=f"走访慰问：{gift}")
        visit = Visit(union=union, path=union.path, member_id=member.id, reason=reason, visited_on=on,
                      visitors=f"{union.name.removesuffix('工会')}工会主席、工会委员", place=place,
                      gift=gift if record else "", gift_value=record.amount if record else Decimal("0"),
                      notes=f"病情：{case}" if case else "", recorded_by=self.actor(union))
        self.visits.append((visit, record, notice))

    def _open_notices(self) -> None:
        """Events reported in the last two weeks, still waiting for a visit (three in the chair's union)."""
        unions = sorted(self.population, key=lambda pk: (self.nodes[pk].code != CHAIR_UNION, pk))
        for index, union_id in enumerate(unions[:10]):
            active = [member for member in self.active(union_id) if member.user_id is None]
            if not active:
                continue
            reasons = ["illness", "birth", "bereavement"] if index == 0 else [self.rng.choice(["illness", "birth"])]
            for reason in reasons:
                member = self.rng.choice(active)
                union = self.nodes[union_id]
                self.notices.append(CareNotice(union=union, path=union.path, member_id=member.id, reason=reason,
                                               since=self.today - DAY * self.rng.randint(0, 14),
                                               note=self.rng.choice(ILLNESSES) if reason == "illness"
                                               else "职工家属来电告知",
                                               reported_by=self.actor(union)))

    # ------------------------------------------------------------------ writing

    def write(self) -> dict[str, int]:
        HardshipFile.objects.bulk_create(self.files, batch_size=500)
        for event in self.events:
            event.file_id = event.file.pk
        HardshipEvent.objects.bulk_create(self.events, batch_size=1000)
        values = Values()
        now = values.now

        def money_value(amount):
            return str(amount) if values.sqlite else amount

        def moment(value):
            return db_time(values, value) if value is not None else None

        for r in self.assistance:
            self.writer.add((
                r.pk, now, now, r.union_id, r.path, r.kind, r.member_id,
                r.hardship_file.pk if r.hardship_file is not None else None,
                r.campaign.pk if r.campaign is not None else None, money_value(r.amount), r.form, r.goods,
                r.funding, r.case, r.reason, values.date(r.on), r.status, None, r.requested_by_id, r.approved_by_id,
                moment(r.approved_at), r.paid_by_id, moment(r.paid_at), r.payment_ref, moment(r.confirmed_at),
                r.confirmed_how, r.decision_note,
            ))
        self.writer.flush()
        reset_sequences([Assistance])
        CareNotice.objects.bulk_create(self.notices, batch_size=1000)
        visits = []
        for visit, record, notice in self.visits:
            visit.assistance_id = record.pk if record else None
            visit.notice_id = notice.pk if notice else None
            visits.append(visit)
        Visit.objects.bulk_create(visits, batch_size=1000)
        recipients = []
        for recipient, record in self.recipients:
            recipient.campaign_id = recipient.campaign.pk
            recipient.hardship_file_id = recipient.hardship_file.pk if recipient.hardship_file else None
            recipient.assistance_id = record.pk if record else None
            recipients.append(recipient)
        CampaignRecipient.objects.bulk_create(recipients, batch_size=1000)
        return {"hardship_files": len(self.files), "assistance": len(self.assistance), "visits": len(visits),
                "notices": len(self.notices), "campaign_recipients": len(recipients)}


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(15)))


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, 28))


def _on_file(file: HardshipFile, on: datetime.date) -> bool:
    """Whether the file was approved at both levels, and not yet out of hardship, on that day."""
    if file.approved_at is None or file.status not in (HardshipStatus.ACTIVE, HardshipStatus.RELIEVED):
        return False
    return timezone.localtime(file.approved_at).date() <= on and (file.relieved_on is None or on < file.relieved_on)


def build_care(rng: random.Random, root: OrgNode, *, today: datetime.date,
               population: dict[int, list[DemoMember]] | None = None) -> dict[str, int]:
    """Two years of care under `root` (call inside a transaction)."""
    care = _Care(rng, root, today, population if population is not None else demo_population(root))
    care.standards()
    care.budgets()
    care.hardship()          # files first: the campaigns and the hardship kinds need them
    care.campaigns()
    care.visit_plan()
    care.hardship_assistance()
    care.festival()
    return care.write()
