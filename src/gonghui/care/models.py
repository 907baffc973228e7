"""Care for members (帮扶与关爱, DOMAIN.md Care; issue 4 §5–8): hardship files (困难职工档案), assistance (帮扶救助)
with its caps and budget, visits (走访慰问), seasonal campaigns and 一日捐 donation drives.

Every record carries the `path` of the union that keeps it, so it is seen and counted where that union is.
Family finances, health and the household are sensitive: a hardship file keeps them as encrypted JSON in
`details` (like the 女职工 records) and shows them masked; what the lists and statistics filter on (the
category, the status, the review date) stays in clear columns.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import PathField
from gonghui.core.models import TimeStampedModel

MONEY = {"max_digits": 12, "decimal_places": 2}


class LivingAllowanceStandard(TimeStampedModel):
    """The local 低保 (最低生活保障) standard, per person and month, set by a federation for its area (its
    subtree) from a date. A union uses the standard of its nearest node that has one in force."""

    node = models.ForeignKey("orgs.OrgNode", verbose_name=_("area (federation)"), on_delete=models.CASCADE,
                             related_name="living_allowance_standards")
    path = PathField(_("org path"), max_length=255, db_index=True, editable=False)
    monthly_amount = models.DecimalField(_("低保 per person and month (yuan)"), **MONEY)
    effective_from = models.DateField(_("in force from"))
    source = models.CharField(_("source"), max_length=200, blank=True,
                              help_text=_("The document that sets it, e.g. 合民〔2025〕12号"))

    class Meta:
        verbose_name = _("低保 standard")
        verbose_name_plural = _("低保 standards")
        ordering = ["path", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["node", "effective_from"], name="standard_once_per_day")]

    def __str__(self) -> str:
        return f"{self.node} {self.monthly_amount} ({self.effective_from})"


class HardshipCategory(models.TextChoices):
    DEEP = "deep", _("Deep hardship")              # 深度困难
    RELATIVE = "relative", _("Relative hardship")  # 相对困难
    ACCIDENT = "accident", _("Hardship by accident")  # 意外致困


class HardshipCause(models.TextChoices):
    ILLNESS = "illness", _("Serious illness")
    DISABILITY = "disability", _("Disability")
    SCHOOLING = "schooling", _("Children's schooling")
    UNEMPLOYMENT = "unemployment", _("Unemployment in the household")
    SINGLE_PARENT = "single_parent", _("Single parent")
    ACCIDENT = "accident", _("Accident or disaster")
    LOW_INCOME = "low_income", _("Low income")
    OTHER = "other", _("Other")


class HardshipStatus(models.TextChoices):
    DRAFT = "draft", _("Being filed")                      # by the union's officer
    UNION_APPROVED = "union_approved", _("Approved by the union, waiting for the union above")
    ACTIVE = "active", _("On file")                        # approved at both levels
    RETURNED = "returned", _("Returned for correction")
    RELIEVED = "relieved", _("Out of hardship")            # 已脱困
    CLOSED = "closed", _("Closed")


# Statuses in which a member has a hardship file that counts.
OPEN_HARDSHIP = frozenset({HardshipStatus.DRAFT, HardshipStatus.UNION_APPROVED, HardshipStatus.ACTIVE,
                           HardshipStatus.RETURNED})


class HardshipFile(TimeStampedModel):
    """困难职工档案: a member's household in hardship. `details` (encrypted JSON) holds the household members,
    the annual household income, the hardship spending, the cause in words and health details."""

    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="hardship_files")
    union = models.ForeignKey("orgs.OrgNode", verbose_name=_("union"), on_delete=models.PROTECT,
                              related_name="hardship_files")
    path = PathField(_("org path"), max_length=255, db_index=True, editable=False)
    category = models.CharField(_("category"), max_length=16, choices=HardshipCategory.choices, blank=True)
    cause = models.CharField(_("main cause"), max_length=20, choices=HardshipCause.choices)
    household_size = models.PositiveSmallIntegerField(_("household size"), default=1)
    details = models.TextField(_("household and finances"), blank=True, editable=False,
                               help_text=_("Stored encrypted."))
    status = models.CharField(_("status"), max_length=16, choices=HardshipStatus.choices,
                              default=HardshipStatus.DRAFT)
    filed_on = models.DateField(_("filed on"))
    union_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by the union"),
                                          null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    union_approved_at = models.DateTimeField(_("approved by the union at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by the union above"),
                                    null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved by the union above at"), null=True, blank=True)
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    next_review_on = models.DateField(_("next review due"), null=True, blank=True, db_index=True)
    above_line_since = models.DateField(
        _("above the 低保 line since"), null=True, blank=True,
        help_text=_("Set by a review that finds the income per person above the 低保 standard; six months "
                    "later the household is out of hardship."))
    relieved_on = models.DateField(_("out of hardship on"), null=True, blank=True)
    closed_reason = models.CharField(_("reason for closing"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("hardship file")
        verbose_name_plural = _("hardship files")
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member"],
                                    condition=Q(status__in=["draft", "union_approved", "active", "returned"]),
                                    name="hardship_one_open_file_per_member"),
        ]
        indexes = [models.Index(fields=["path", "status"], name="hardship_path_status_idx")]

    def __str__(self) -> str:
        return str(self.member)


class HardshipEventKind(models.TextChoices):
    FILED = "filed", _("Filed")
    CHANGED = "changed", _("Changed")
    UNION_APPROVED = "union_approved", _("Approved by the union")
    APPROVED = "approved", _("Approved by the union above")
    RETURNED = "returned", _("Returned")
    REVIEWED = "reviewed", _("Reviewed")
    RELIEVED = "relieved", _("Out of hardship")
    CLOSED = "closed", _("Closed")


class HardshipEvent(models.Model):
    """The whole history of a hardship file: each step, who took it, and the category before and after."""

    file = models.ForeignKey(HardshipFile, verbose_name=_("hardship file"), on_delete=models.CASCADE,
                             related_name="events")
    kind = models.CharField(_("step"), max_length=16, choices=HardshipEventKind.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    on = models.DateField(_("date"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("by (name at the time)"), max_length=150, blank=True)
    category_before = models.CharField(_("category before"), max_length=16, choices=HardshipCategory.choices,
                                       blank=True)
    category_after = models.CharField(_("category after"), max_length=16, choices=HardshipCategory.choices,
                                      blank=True)
    status_after = models.CharField(_("status after"), max_length=16, choices=HardshipStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("hardship file event")
        verbose_name_plural = _("hardship file history")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class AssistanceKind(models.TextChoices):
    """帮扶救助 and 慰问 kinds. Each is one purpose of the spending caps (care/caps.py)."""

    LIVING = "living", _("Living assistance")         # 生活救助
    MEDICAL = "medical", _("Medical assistance")      # 医疗救助
    EDUCATION = "education", _("Education assistance (金秋助学)")  # 助学
    WARMTH = "warmth", _("Winter warmth (送温暖)")
    COOLNESS = "coolness", _("Summer cooling (送清凉)")
    JOBS = "jobs", _("Spring job help (春送岗位)")
    FESTIVAL = "festival", _("Festival gift")         # 节日慰问品
    BIRTHDAY = "birthday", _("Birthday gift")
    MARRIAGE = "marriage", _("Marriage")
    BIRTH = "birth", _("Birth of a child")
    ILLNESS = "illness", _("Illness or hospital stay")
    BEREAVEMENT = "bereavement", _("Bereavement")
    RETIREMENT = "retirement", _("Retirement")


class GiftForm(models.TextChoices):
    CASH = "cash", _("Cash or bank transfer")
    GOODS = "goods", _("Goods")
    SHOPPING_CARD = "shopping_card", _("Shopping card or voucher")
    SERVICE = "service", _("Service (e.g. a job fair, a check-up)")


class Funding(models.TextChoices):
    UNION_FUNDS = "union_funds", _("Union funds")
    UPPER_SUBSIDY = "upper_subsidy", _("Subsidy from the union above")
    DONATIONS = "donations", _("Donations (一日捐 etc.)")
    OTHER = "other", _("Other source")


class CareBudget(TimeStampedModel):
    """What a union may spend on care in a year, from its own funds; a kind-specific line, when one exists,
    is used for that kind, else the general line (kind empty). No budget, no spending (DOMAIN.md)."""

    node = models.ForeignKey("orgs.OrgNode", verbose_name=_("union"), on_delete=models.CASCADE,
                             related_name="care_budgets")
    path = PathField(_("org path"), max_length=255, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=16, choices=AssistanceKind.choices, blank=True,
                            help_text=_("Empty: every kind without a line of its own."))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("care budget")
        verbose_name_plural = _("care budgets")
        ordering = ["-year", "kind"]
        constraints = [models.UniqueConstraint(fields=["node", "year", "kind"], name="care_budget_once")]


class AssistanceStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid, waiting for confirmation")
    CONFIRMED = "confirmed", _("Received (confirmed by the recipient)")
    REJECTED = "rejected", _("Not approved")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses whose amount is committed against the caps and the budget.
COMMITTED_ASSISTANCE = frozenset({AssistanceStatus.APPROVED, AssistanceStatus.PAID, AssistanceStatus.CONFIRMED})


class Campaign(TimeStampedModel):
    """A seasonal campaign (送温暖, 送清凉, 金秋助学) or a 一日捐 donation drive, run by a node for its subtree."""

    class Kind(models.TextChoices):
        WARMTH = "warmth", _("Winter warmth (送温暖)")
        COOLNESS = "coolness", _("Summer cooling (送清凉)")
        EDUCATION = "education", _("Autumn education aid (金秋助学)")
        DONATION = "donation", _("One-day donation drive (一日捐)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    node = models.ForeignKey("orgs.OrgNode", verbose_name=_("run by"), on_delete=models.PROTECT,
                             related_name="campaigns")
    path = PathField(_("org path"), max_length=255, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=120)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    rule = models.JSONField(_("who is selected"), default=dict, blank=True,
                            help_text=_("The selection rule: hardship categories, front-line or new-form workers …"))
    amount_per_person = models.DecimalField(_("standard per person (yuan)"), null=True, blank=True, **MONEY)
    target_amount = models.DecimalField(_("target or budget (yuan)"), null=True, blank=True, **MONEY)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Assistance(TimeStampedModel):
    """One assistance (帮扶救助) or gift to one member, from request to the recipient's confirmation."""

    union = models.ForeignKey("orgs.OrgNode", verbose_name=_("paid by"), on_delete=models.PROTECT,
                              related_name="assistance")
    path = PathField(_("org path"), max_length=255, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=AssistanceKind.choices)
    member = models.ForeignKey("members.Member", verbose_name=_("recipient"), on_delete=models.PROTECT,
                               related_name="assistance")
    hardship_file = models.ForeignKey(HardshipFile, verbose_name=_("hardship file"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="assistance")
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="assistance")
    amount = models.DecimalField(_("amount or value (yuan)"), **MONEY)
    form = models.CharField(_("given as"), max_length=16, choices=GiftForm.choices, default=GiftForm.CASH)
    goods = models.CharField(_("goods"), max_length=200, blank=True, help_text=_("What was given, if not money."))
    funding = models.CharField(_("paid from"), max_length=16, choices=Funding.choices, default=Funding.UNION_FUNDS)
    case = models.CharField(_("case"), max_length=100, blank=True,
                            help_text=_("For illness: the illness, so that the same illness is helped once a year."))
    reason = models.TextField(_("reason"), blank=True)
    on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=16, choices=AssistanceStatus.choices,
                              default=AssistanceStatus.REQUESTED)
    submission = models.UUIDField(_("submission key"), unique=True, null=True, blank=True, editable=False,
                                  help_text=_("The form's one-time key: a second submission finds this record."))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("paid by (person)"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="+")
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_ref = models.CharField(_("payment reference"), max_length=64, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_how = models.CharField(_("confirmed how"), max_length=100, blank=True,
                                     help_text=_("e.g. signed the list, confirmed in Gonghui"))
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("assistance")
        verbose_name_plural = _("assistance")
        ordering = ["-on", "-id"]
        indexes = [
            models.Index(fields=["path", "on"], name="assistance_path_on_idx"),
            models.Index(fields=["member", "kind", "on"], name="assistance_member_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.member} {self.amount}"


class Visit(TimeStampedModel):
    """走访慰问: who visited whom, when, why, and what was given. A gift from union funds is also an
    Assistance record (`assistance`), so that it counts against the caps, the budget and the 帮扶台账 once."""

    union = models.ForeignKey("orgs.OrgNode", verbose_name=_("union"), on_delete=models.PROTECT,
                              related_name="visits")
    path = PathField(_("org path"), max_length=255, db_index=True, editable=False)
    member = models.ForeignKey("members.Member", verbose_name=_("member visited"), on_delete=models.PROTECT,
                               related_name="visits")
    reason = models.CharField(_("reason"), max_length=32,
                              help_text=_("One of the visit reasons in the settings (GONGHUI_CARE VISIT_REASONS)."))
    visited_on = models.DateField(_("visited on"))
    visitors = models.CharField(_("visited by"), max_length=200, help_text=_("The officers who went."))
    place = models.CharField(_("place"), max_length=100, blank=True, help_text=_("e.g. 市一院, at home"))
    gift = models.CharField(_("what was given"), max_length=200, blank=True)
    gift_value = models.DecimalField(_("value given (yuan)"), default=0, **MONEY)
    assistance = models.OneToOneField(Assistance, verbose_name=_("payment"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="visit")
    notes = models.TextField(_("notes"), blank=True)
    notice = models.ForeignKey("CareNotice", verbose_name=_("reported event"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="visits")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["path", "visited_on"], name="visit_path_on_idx")]

    def __str__(self) -> str:
        return f"{self.member} {self.visited_on}"


class CareNotice(TimeStampedModel):
    """An event that calls for a visit, reported to the union (a member in hospital, a wedding, a birth, a
    bereavement): it stays on the due list until a visit is recorded for it."""

    union = models.ForeignKey("orgs.OrgNode", verbose_name=_("union"), on_delete=models.PROTECT,
                              related_name="care_notices")
    path = PathField(_("org path"), max_length=255, db_index=True, editable=False)
    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="care_notices")
    reason = models.CharField(_("reason"), max_length=32)
    since = models.DateField(_("since"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    resolved_on = models.DateField(_("visited on"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("reported event")
        verbose_name_plural = _("reported events")
        ordering = ["since", "id"]
        indexes = [models.Index(fields=["path", "resolved_on"], name="notice_path_open_idx")]


class CampaignRecipient(models.Model):
    """A member selected for a campaign, and what they were given (an Assistance record once given)."""

    class Status(models.TextChoices):
        SELECTED = "selected", _("Selected")
        GIVEN = "given", _("Given")
        SKIPPED = "skipped", _("Skipped")

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="recipients")
    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="campaign_places")
    path = PathField(_("org path"), max_length=255, db_index=True, editable=False)
    hardship_file = models.ForeignKey(HardshipFile, verbose_name=_("hardship file"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    planned_amount = models.DecimalField(_("planned (yuan)"), null=True, blank=True, **MONEY)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SELECTED)
    assistance = models.OneToOneField(Assistance, verbose_name=_("given"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="campaign_place")
    why = models.CharField(_("selected because"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("campaign recipient")
        verbose_name_plural = _("campaign recipients")
        ordering = ["path", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "member"], name="recipient_once")]

    def __str__(self) -> str:
        return f"{self.member} ({self.campaign})"


class Donation(models.Model):
    """One gift to a 一日捐 drive: by a member, or by a unit or person named."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("donation drive"), on_delete=models.CASCADE,
                                 related_name="donations")
    member = models.ForeignKey("members.Member", verbose_name=_("member"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="donations")
    donor_name = models.CharField(_("donor"), max_length=100, blank=True,
                                  help_text=_("For a donor who is not a member (a unit, a person)."))
    path = PathField(_("org path"), max_length=255, db_index=True, editable=False,
                     help_text=_("The member's node, or the drive's for other donors."))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    donated_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-donated_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(member__isnull=False) | ~Q(donor_name=""), name="donation_has_donor"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="donation_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.donor_name or self.member} {self.amount}"
