"""Activities (文体活动, 培训, 劳动竞赛, 节日活动 …), their sign-ups and attendance, competition results, and
honours (评优表彰) — issue 4 §1–4.

An activity belongs to its organiser node and carries that node's `path`: it is seen where the node is seen,
and counted in the ledgers and statistics of the node and every node above. A federation's activity may be
open to the members of its whole subtree (`include_subtree`).

A member takes part through one `Participation` row per activity: signed up (or on the waiting list when the
activity is full), then checked in (by the venue's QR code or by an officer). 人次 are the checked-in rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import PathField
from gonghui.core.models import TimeStampedModel


class ActivityKind(models.TextChoices):
    SPORTS_CULTURE = "sports_culture", _("Sports and culture")            # 文体活动
    TRAINING = "training", _("Training and study")                        # 培训/学习
    COMPETITION = "competition", _("Labour or skills competition")        # 劳动竞赛/技能比武
    FESTIVAL = "festival", _("Festival celebration")                      # 节日庆祝
    RECUPERATION = "recuperation", _("Recuperation trip")                 # 疗休养
    VOLUNTEER = "volunteer", _("Volunteer service")                       # 志愿服务
    MEETING = "meeting", _("Meeting")                                     # 会议
    OTHER = "other", _("Other activity")


class Audience(models.TextChoices):
    ALL = "all", _("All members")
    WOMEN = "women", _("Women members")
    RETIREES = "retirees", _("Retired members")
    GROUP = "group", _("One union group")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")          # not yet open for sign-up
    OPEN = "open", _("Open for sign-up")
    CLOSED = "closed", _("Sign-up closed")
    FINISHED = "finished", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(TimeStampedModel):
    organiser = models.ForeignKey("orgs.OrgNode", verbose_name=_("organiser"), on_delete=models.PROTECT,
                                  related_name="activities")
    path = PathField(_("org path"), max_length=255, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind of activity"), max_length=20, choices=ActivityKind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    audience = models.CharField(_("for"), max_length=16, choices=Audience.choices, default=Audience.ALL)
    audience_group = models.ForeignKey("orgs.OrgNode", verbose_name=_("union group"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    include_subtree = models.BooleanField(
        _("open to the members of the whole subtree"), default=False,
        help_text=_("For a federation's activity: members of every union below it may take part."))
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True,
                                           help_text=_("Empty: no limit. When full, sign-ups join a waiting list."))
    signup_deadline = models.DateTimeField(_("sign-up closes at"), null=True, blank=True)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2, default=0)
    actual_cost = models.DecimalField(_("actual cost (yuan)"), max_digits=12, decimal_places=2, null=True,
                                      blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ActivityStatus.choices,
                              default=ActivityStatus.OPEN)
    # counts kept by the services (one query per list page instead of one per row)
    signed_up_count = models.PositiveIntegerField(_("signed up"), default=0, editable=False)
    waiting_count = models.PositiveIntegerField(_("waiting"), default=0, editable=False)
    attended_count = models.PositiveIntegerField(_("attended (人次)"), default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["path", "starts_at"], name="activity_path_start_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class ParticipationStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class CheckInMethod(models.TextChoices):
    QR = "qr", _("QR code at the venue")
    OFFICER = "officer", _("Ticked by an officer")


class Participation(models.Model):
    """One member at one activity. Checked in = attended (one 人次)."""

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE,
                                 related_name="participations")
    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="participations")
    status = models.CharField(_("status"), max_length=16, choices=ParticipationStatus.choices,
                              default=ParticipationStatus.SIGNED_UP)
    signed_up_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 help_text=_("Empty when the member signed up themselves."))
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    check_in_method = models.CharField(_("checked in by"), max_length=16, choices=CheckInMethod.choices,
                                       blank=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["signed_up_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="participation_once_per_activity"),
        ]
        indexes = [
            models.Index(fields=["member", "checked_in_at"], name="participation_member_idx"),
            models.Index(fields=["activity", "status", "signed_up_at"], name="participation_queue_idx"),
            # the year figures' 人次 and distinct participants read only this (activities/stats.py)
            models.Index(fields=["activity", "member"], condition=models.Q(checked_in_at__isnull=False),
                         name="participation_attended_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.activity}"


class CompetitionEntry(TimeStampedModel):
    """An entry in a competition (比赛, 技能比武): a member, or a team named by the organiser."""

    activity = models.ForeignKey(Activity, verbose_name=_("competition"), on_delete=models.CASCADE,
                                 related_name="entries")
    member = models.ForeignKey("members.Member", verbose_name=_("member"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="competition_entries")
    team = models.CharField(_("team"), max_length=100, blank=True)
    event = models.CharField(_("event"), max_length=100, blank=True, help_text=_("e.g. 电工组, 女子跳绳"))
    score = models.DecimalField(_("score"), max_digits=10, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    prize = models.CharField(_("prize"), max_length=50, blank=True, help_text=_("e.g. 一等奖, 优秀奖"))
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("competition entry")
        verbose_name_plural = _("competition entries")
        ordering = ["event", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "event", "member"], condition=Q(member__isnull=False),
                                    name="entry_member_once_per_event"),
            models.CheckConstraint(condition=Q(member__isnull=False) | ~Q(team=""), name="entry_member_or_team"),
        ]

    def __str__(self) -> str:
        return self.team or str(self.member)


class HonourKind(models.TextChoices):
    EXCELLENT_MEMBER = "excellent_member", _("Outstanding union member")                  # 优秀工会会员
    EXCELLENT_GROUP_LEADER = "excellent_group_leader", _("Outstanding union group leader")  # 优秀工会小组长
    EXCELLENT_CADRE = "excellent_cadre", _("Outstanding union officer")                   # 优秀工会干部
    MARCH_8_RED_BANNER = "march_8_red_banner", _("March 8th Red-Banner Holder")           # 三八红旗手
    MODEL_WORKER = "model_worker", _("Model worker")                                      # 劳动模范
    MAY_DAY_MEDAL = "may_day_medal", _("May Day Labour Medal")                            # 五一劳动奖章
    WORKER_PIONEER = "worker_pioneer", _("Worker pioneer")                                # 工人先锋号 (集体)
    ADVANCED_COLLECTIVE = "advanced_collective", _("Advanced collective")                 # 先进集体
    MODEL_WORKERS_HOME = "model_workers_home", _("Model Workers' Home")                   # 模范职工之家 (集体)
    OTHER = "other", _("Other honour")


# Honours given to a collective (a union, a group, a team), not to one person.
COLLECTIVE_HONOURS = frozenset({HonourKind.ADVANCED_COLLECTIVE, HonourKind.WORKER_PIONEER,
                                HonourKind.MODEL_WORKERS_HOME})


class HonourStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")    # by a union, waiting for the union above
    APPROVED = "approved", _("Awarded")
    REJECTED = "rejected", _("Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Honour(TimeStampedModel):
    """A nomination for an honour (评优表彰), made by a union and decided by the union above it (`approver`)."""

    kind = models.CharField(_("honour"), max_length=32, choices=HonourKind.choices)
    title = models.CharField(_("title of the honour"), max_length=120,
                             help_text=_("As it will be printed, e.g. 2025年度优秀工会会员"))
    year = models.PositiveSmallIntegerField(_("year"))
    nominated_by = models.ForeignKey("orgs.OrgNode", verbose_name=_("nominated by"), on_delete=models.PROTECT,
                                     related_name="honour_nominations")
    path = PathField(_("org path"), max_length=255, db_index=True, editable=False)
    approver = models.ForeignKey("orgs.OrgNode", verbose_name=_("decided by"), on_delete=models.PROTECT,
                                 related_name="honours_to_decide")
    approver_path = PathField(_("path of the deciding node"), max_length=255, db_index=True, editable=False)
    member = models.ForeignKey("members.Member", verbose_name=_("member"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="honours")
    collective = models.ForeignKey("orgs.OrgNode", verbose_name=_("collective (union or group)"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="collective_honours")
    collective_name = models.CharField(_("collective"), max_length=120, blank=True,
                                       help_text=_("A team or department that is not an org node, e.g. 内科护理组"))
    citation = models.TextField(_("deeds (事迹)"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=HonourStatus.choices,
                              default=HonourStatus.NOMINATED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True)
    nominated_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("nominated by (person)"),
                                          null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-year", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "member"],
                                    condition=Q(member__isnull=False) & ~Q(status__in=["rejected", "withdrawn"]),
                                    name="honour_member_once_per_kind_year"),
        ]
        indexes = [models.Index(fields=["approver_path", "status"], name="honour_approver_idx")]

    def __str__(self) -> str:
        return self.title
