"""Annual plans (工作计划), their items and indicators, the records that carry them out, the year-end and
half-year summaries (工作总结) and the assessment (考核) of subordinate unions.

A plan and a summary belong to one node and one period: a year, or one half of it (`half` 1 or 2; 0 is
the whole year). Both are submitted to the node above, which returns or accepts them (`Reviewable`).

What the records show is never copied into these tables: indicator actuals, item progress and the
summary's figures are computed from the records through the domains' contributions (plans/contrib.py).
What is stored is what a person decided: the targets, the items, the links an officer made between an
item and a record, the text of a summary as the officer edited it, and the scores entered by hand.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.fields import PathField
from gonghui.core.models import TimeStampedModel
from gonghui.orgs.models import OfficerRole


class Section(models.TextChoices):
    """The usual sections of a union's plan and summary (DOMAIN.md, Plans and summaries)."""

    ORGANISATION = "organisation", _("Organisation building")    # 组织建设
    DEMOCRACY = "democracy", _("Democratic management")          # 民主管理
    RIGHTS = "rights", _("Rights and services")                  # 维权服务
    CARE = "care", _("Care and assistance")                      # 帮扶关爱
    CULTURE = "culture", _("Culture and sports")                 # 文体活动
    WOMEN = "women", _("Women workers")                          # 女职工工作
    FUNDS = "funds", _("Funds management")                       # 经费管理
    PUBLICITY = "publicity", _("Publicity and education")        # 宣传教育
    SELF = "self", _("The union's own building")                 # 自身建设


SECTION_ORDER = {value: index for index, value in enumerate(Section.values)}


class Half(models.IntegerChoices):
    WHOLE_YEAR = 0, _("Whole year")
    FIRST = 1, _("First half")
    SECOND = 2, _("Second half")


def period_bounds(year: int, half: int = 0) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a year (half 0) or of one of its halves."""
    if half == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    if half == 2:
        return datetime.date(year, 7, 1), datetime.date(year, 12, 31)
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def period_label(year: int, half: int = 0) -> str:
    """2025年, 2025年上半年, 2025年下半年."""
    return {1: f"{year}年上半年", 2: f"{year}年下半年"}.get(half, f"{year}年")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")


class Reviewable(TimeStampedModel):
    """A plan or a summary: written by a node for a period, submitted to the node above and reviewed there."""

    node = models.ForeignKey("orgs.OrgNode", verbose_name=_("union organisation"), on_delete=models.PROTECT,
                             related_name="+")
    path = PathField(_("org path"), max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("period"), choices=Half.choices, default=Half.WHOLE_YEAR)
    status = models.CharField(_("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    review_comment = models.TextField(_("reviewer's comment"), blank=True)

    class Meta:
        abstract = True

    @property
    def start(self) -> datetime.date:
        return period_bounds(self.year, self.half)[0]

    @property
    def end(self) -> datetime.date:
        return period_bounds(self.year, self.half)[1]

    @property
    def period_label(self) -> str:
        return period_label(self.year, self.half)

    @property
    def editable(self) -> bool:
        """Drafts and returned documents are edited; submitted and accepted ones are frozen."""
        return self.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED)


class PlanTemplate(models.TextChoices):
    """Starting points by kind of unit (plans/catalog.py holds their items)."""

    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    COMMUNITY = "community", _("Community")
    ENTERPRISE = "enterprise", _("Enterprise")
    FEDERATION = "federation", _("Federation")


class Plan(Reviewable):
    """工作计划: one per node and period."""

    title = models.CharField(_("title"), max_length=120, blank=True)
    template = models.CharField(_("drafted from template"), max_length=16, choices=PlanTemplate.choices,
                                blank=True)
    copied_from = models.ForeignKey("self", verbose_name=_("copied from"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    foreword = models.TextField(_("guiding ideas"), blank=True,
                                help_text=_("The opening paragraph of the plan (指导思想)."))

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-year", "half", "path"]
        constraints = [
            models.UniqueConstraint(fields=["node", "year", "half"], name="plan_node_period_uniq"),
        ]
        indexes = [models.Index(fields=["path", "year"], name="plan_path_year_idx")]

    def __str__(self) -> str:
        return self.title or f"{self.node} {self.period_label}工作计划"


class Timing(models.TextChoices):
    """时限: when an item is due. Expanded into occurrences by plans/timing.py."""

    DATE = "date", _("By a date")
    MONTHS = "months", _("In given months")
    QUARTERS = "quarters", _("In given quarters")
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every quarter")
    HALF_YEARLY = "half_yearly", _("Every half-year")
    YEARLY = "yearly", pgettext_lazy("time limit", "Every year")


class PlanItem(TimeStampedModel):
    """One line of the plan: what (目标), how (措施), when (时限), who (责任人).

    `evidence` names the kind of record that carries the item out (an evidence source of plans/contrib.py,
    optionally narrowed to one kind: "activities.activity:training"); records of that kind in the node's
    subtree and within an occurrence's dates count for it without being linked by hand."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items")
    section = models.CharField(_("section"), max_length=16, choices=Section.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("work item"), max_length=200)
    target = models.TextField(_("goal"), blank=True)           # 目标
    measures = models.TextField(_("measures"), blank=True)     # 措施
    timing = models.CharField(_("time limit"), max_length=16, choices=Timing.choices, default=Timing.YEARLY)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    # months (1–12) for MONTHS and for YEARLY/HALF_YEARLY ("每年 3 月"); quarters (1–4) for QUARTERS
    months = models.JSONField(_("months"), default=list, blank=True)
    quarters = models.JSONField(_("quarters"), default=list, blank=True)
    responsible_name = models.CharField(_("person responsible"), max_length=60, blank=True)
    responsible_role = models.CharField(_("role responsible"), max_length=32, choices=OfficerRole.choices,
                                        blank=True)
    evidence = models.CharField(_("carried out by records of"), max_length=64, blank=True)
    # where a suggested item came from: the rule key (to avoid proposing it twice) and the source shown
    suggestion_key = models.CharField(_("suggestion"), max_length=120, blank=True)
    # what the item is about in the suggestions' terms ("orgs.congress", "orgs.congress:12"): a suggestion of the
    # same topic fills this item with its source instead of adding a second one (plans/services.py)
    topic = models.CharField(_("topic"), max_length=120, blank=True)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan", "order", "pk"]
        indexes = [models.Index(fields=["plan", "section", "order"], name="planitem_plan_section_idx")]

    def __str__(self) -> str:
        return self.title


class PlanItemLink(models.Model):
    """A record an officer attached to a plan item as carrying it out (an activity, a visit, an assistance
    record …). `on` is the record's date, copied when linked, so an occurrence finds its links without
    reading every record type."""

    item = models.ForeignKey(PlanItem, verbose_name=_("plan item"), on_delete=models.CASCADE, related_name="links")
    source = models.CharField(_("kind of record"), max_length=64)  # an evidence source key
    object_id = models.PositiveBigIntegerField(_("record id"))
    on = models.DateField(_("date"))
    label = models.CharField(_("record"), max_length=200)
    # the record's kind within its source (an activity's kind …) and its page, as the source gave them
    kind = models.CharField(_("kind"), max_length=32, blank=True)
    url = models.CharField(_("page"), max_length=200, blank=True)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("linked by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan item record")
        verbose_name_plural = _("plan item records")
        ordering = ["on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "source", "object_id"], name="planitemlink_once"),
        ]

    def __str__(self) -> str:
        return self.label


class Comparator(models.TextChoices):
    AT_LEAST = "gte", "≥"
    AT_MOST = "lte", "≤"


class Indicator(TimeStampedModel):
    """A target (建会率 ≥ 95%, activities ≥ 12 …). `metric` names a metric of plans/contrib.py whose actual
    value is computed live from the records; an indicator without one is entered by hand, with evidence
    (core.Attachment on the indicator)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="indicators")
    item = models.OneToOneField(PlanItem, verbose_name=_("plan item"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="indicator")
    section = models.CharField(_("section"), max_length=16, choices=Section.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    metric = models.CharField(_("computed from"), max_length=64, blank=True)
    label = models.CharField(_("indicator"), max_length=120)
    comparator = models.CharField(_("comparison"), max_length=3, choices=Comparator.choices,
                                  default=Comparator.AT_LEAST)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit of measure"), max_length=16, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True,
                                help_text=_("Empty: the end of the plan's period."))
    manual_actual = models.DecimalField(_("actual value (entered)"), max_digits=12, decimal_places=2,
                                        null=True, blank=True)
    manual_note = models.TextField(_("how the value was reached"), blank=True)
    manual_updated_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    manual_updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True,
                                          blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.label} {self.get_comparator_display()} {Decimal(self.target).normalize():f}{self.unit}"

    @property
    def is_computed(self) -> bool:
        return bool(self.metric)


class Summary(Reviewable):
    """工作总结 (year-end or half-year). `sections` holds the text as drafted from the records and then edited
    by the officer: a list of {"key", "heading", "paragraphs": [str], "tables": [{"caption", "columns",
    "rows"}]}. The export (.docx) is written from it."""

    title = models.CharField(_("title"), max_length=120, blank=True)
    sections = models.JSONField(_("text"), default=list, blank=True)
    drafted_at = models.DateTimeField(_("drafted from the records at"), null=True, blank=True)
    edited_at = models.DateTimeField(_("last edited at"), null=True, blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("last edited by"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("work summary")
        verbose_name_plural = _("work summaries")
        ordering = ["-year", "half", "path"]
        constraints = [
            models.UniqueConstraint(fields=["node", "year", "half"], name="summary_node_period_uniq"),
        ]
        indexes = [models.Index(fields=["path", "year"], name="summary_path_year_idx")]

    def __str__(self) -> str:
        return self.title or f"{self.node} {self.period_label}工作总结"


class ReviewAction(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")
    COMMENTED = "commented", _("Commented")


class ReviewEvent(models.Model):
    """The history of a plan's or a summary's submission and review, with the reviewer's comments."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="review_events")
    summary = models.ForeignKey(Summary, verbose_name=_("summary"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="review_events")
    action = models.CharField(_("action"), max_length=16, choices=ReviewAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("by (name at the time)"), max_length=150, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(plan__isnull=False, summary__isnull=True)
                | models.Q(plan__isnull=True, summary__isnull=False),
                name="reviewevent_one_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.actor_name}"


class ScoringRule(models.TextChoices):
    PROPORTIONAL = "proportional", _("Points in proportion to the target reached")  # 按完成比例得分, capped
    THRESHOLD = "threshold", _("Full points when the target is reached, none otherwise")  # 达标得分


class AssessedUnits(models.TextChoices):
    """Whom a scheme scores (plans/assessment/scoring.py)."""

    UNIONS = "unions", _("The grassroots and joint unions of its subtree")
    CHILDREN = "children", _("The federations directly under it")


class AssessmentScheme(TimeStampedModel):
    """考核方案: how a federation scores its subordinate unions (or, for a county, its streets) for a year."""

    node = models.ForeignKey("orgs.OrgNode", verbose_name=_("federation"), on_delete=models.PROTECT,
                             related_name="+")
    path = PathField(_("org path"), max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    subjects = models.CharField(_("assessed"), max_length=16, choices=AssessedUnits.choices,
                                default=AssessedUnits.UNIONS)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-year", "name"]
        indexes = [models.Index(fields=["path", "year"], name="scheme_path_year_idx")]

    def __str__(self) -> str:
        return self.name


class AssessmentCriterion(models.Model):
    """One scored indicator of a scheme: computed from a metric where the records exist, else scored from a
    value entered by hand."""

    scheme = models.ForeignKey(AssessmentScheme, verbose_name=_("assessment scheme"), on_delete=models.CASCADE,
                               related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    label = models.CharField(_("indicator"), max_length=120)
    metric = models.CharField(_("computed from"), max_length=64, blank=True)
    comparator = models.CharField(_("comparison"), max_length=3, choices=Comparator.choices,
                                  default=Comparator.AT_LEAST)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit of measure"), max_length=16, blank=True)
    weight = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    rule = models.CharField(_("scoring rule"), max_length=16, choices=ScoringRule.choices,
                            default=ScoringRule.PROPORTIONAL)

    class Meta:
        verbose_name = _("assessment criterion")
        verbose_name_plural = _("assessment criteria")
        ordering = ["scheme", "order", "pk"]

    def __str__(self) -> str:
        return self.label


class AssessmentScore(models.Model):
    """A value entered by hand for one union on one criterion without a metric (or overriding nothing: a
    computed criterion is never entered)."""

    criterion = models.ForeignKey(AssessmentCriterion, verbose_name=_("assessment criterion"),
                                  on_delete=models.CASCADE, related_name="scores")
    union = models.ForeignKey("orgs.OrgNode", verbose_name=_("union organisation"), on_delete=models.CASCADE,
                              related_name="+")
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        verbose_name = _("assessment score")
        verbose_name_plural = _("assessment scores")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "union"], name="assessmentscore_once"),
        ]

    def __str__(self) -> str:
        return f"{self.union} {self.criterion}: {self.value}"
