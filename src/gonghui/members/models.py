"""Members (会员) and their 会籍: the registry, its history, transfers between unions, roster imports and
女职工 records (DOMAIN.md, Members and 会籍; Women workers).

A member belongs to one union node (`union`: a grassroots, joint or branch union, or the federation above
that keeps the 会籍 of a closed unit) and optionally to one of its 工会小组 (`group`). `path` copies the
path of the group, or of the union when there is none, so every access and subtree question is the same
indexed prefix test as for the org tree, and a group leader's role on the group covers its members.

Sensitive values are never stored in clear: `citizen_id` and `mobile` hold AES-GCM ciphertext
(core/crypto.py) and the `*_hash` columns a keyed hash for exact look-ups.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core import crypto
from gonghui.core.fields import PathField
from gonghui.core.models import TimeStampedModel
from gonghui.orgs.models import Gender


class Status(models.TextChoices):
    """会籍 status. DOMAIN.md: 入会, 转出/转入, 保留会籍, 恢复, 退会, 除名, 死亡."""

    APPLICANT = "applicant", _("Applied to join")
    ACTIVE = "active", _("Member")
    IN_TRANSFER = "in_transfer", _("In transfer")
    RETAINED = "retained", _("Membership retained")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPELLED = "expelled", _("Expelled")
    DECEASED = "deceased", _("Deceased")
    REFUSED = "refused", _("Application refused")


# Statuses that count as members in the statistics (a member in transfer is still a member).
MEMBER_STATUSES = frozenset({Status.ACTIVE, Status.IN_TRANSFER, Status.RETAINED})


class RetainReason(models.TextChoices):
    RETIRED = "retired", _("Retired")
    UNEMPLOYED = "unemployed", _("Unemployed")
    UNIT_CLOSED = "unit_closed", _("Unit closed")


class EmploymentType(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    DISPATCHED = "dispatched", _("Agency worker")
    MIGRANT = "migrant", _("Migrant worker")
    FLEXIBLE = "flexible", _("Flexible employment")
    RETIRED = "retired", _("Retired")
    OTHER = "other", _("Other")


class NewFormGroup(models.TextChoices):
    """新就业形态 groups that federations report separately (DOMAIN.md)."""

    TRUCK_DRIVER = "truck_driver", _("Truck driver")
    COURIER = "courier", _("Courier")
    FOOD_DELIVERY = "food_delivery", _("Food delivery rider")
    RIDE_HAILING = "ride_hailing", _("Ride-hailing driver")
    ONLINE_DELIVERY = "online_delivery", _("Online delivery worker")
    ONLINE_MARKETER = "online_marketer", _("Online marketer")
    OTHER = "other", _("Other new form of employment")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    BACHELOR = "bachelor", _("Bachelor's degree")
    COLLEGE = "college", _("College")
    SECONDARY = "secondary", _("Senior or vocational secondary")
    JUNIOR = "junior", _("Junior secondary or below")


class PoliticalStatus(models.TextChoices):
    CPC_MEMBER = "cpc_member", _("CPC member")
    CPC_PROBATIONARY = "cpc_probationary", _("CPC probationary member")
    CYL_MEMBER = "cyl_member", _("Communist Youth League member")
    DEMOCRATIC_PARTY = "democratic_party", _("Democratic party member")
    NON_PARTY = "non_party", _("Non-party personage")
    MASSES = "masses", _("Masses")


# The 56 ethnic groups as written in 身份证 and rosters (GB/T 3304), stored by name.
ETHNIC_GROUPS = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族",
    "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族",
    "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族",
    "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族",
    "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
]
ETHNICITY_CHOICES = [(name, name) for name in ETHNIC_GROUPS]


class Member(TimeStampedModel):
    name = models.CharField(_("full name"), max_length=64)
    # lower-case pinyin without tones or spaces ("zhangsan") and its initials ("zs"), for search
    name_pinyin = models.CharField(_("name in pinyin"), max_length=255, blank=True, editable=False)
    name_initials = models.CharField(_("pinyin initials"), max_length=64, blank=True, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=16, choices=ETHNICITY_CHOICES, blank=True)
    birth_date = models.DateField(_("birth date"))
    citizen_id = models.TextField(_("citizen ID number"), editable=False, help_text=_("Stored encrypted."))
    citizen_id_hash = models.CharField(max_length=64, unique=True, editable=False)
    mobile = models.TextField(_("mobile"), blank=True, editable=False, help_text=_("Stored encrypted."))
    mobile_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    political_status = models.CharField(
        _("political status"), max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    employment_type = models.CharField(
        _("employment type"), max_length=16, choices=EmploymentType.choices, default=EmploymentType.EMPLOYED
    )
    new_form_group = models.CharField(
        _("new form of employment"), max_length=20, choices=NewFormGroup.choices, blank=True
    )
    is_front_line = models.BooleanField(_("front-line worker"), default=False)
    post = models.CharField(_("post"), max_length=64, blank=True)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    # indexed by member_union_status_idx (union first), so no separate foreign-key index
    union = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("union"), on_delete=models.PROTECT, related_name="members", db_index=False
    )
    group = models.ForeignKey(
        "orgs.OrgNode",
        verbose_name=_("union group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_members",
    )
    # indexed by member_path_status_idx (path first)
    path = PathField(_("org path"), max_length=255, editable=False)
    join_date = models.DateField(_("joined on"), null=True, blank=True)
    card_no = models.CharField(_("member card no."), max_length=32, unique=True)
    status = models.CharField(_("membership status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    status_since = models.DateField(_("status since"), null=True, blank=True)
    retain_reason = models.CharField(
        _("reason membership is retained"), max_length=16, choices=RetainReason.choices, blank=True
    )
    # the union a pending transfer goes to, and its path, so the receiving side can see the member
    transfer_to = models.ForeignKey(
        "orgs.OrgNode",
        verbose_name=_("transferring to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incoming_members",
    )
    transfer_to_path = PathField(max_length=255, blank=True, editable=False)
    # the last dues payment or union activity; six months before today flags the member (DOMAIN.md)
    last_active_on = models.DateField(_("last dues or union life on"), null=True, blank=True)
    inactivity_reviewed_on = models.DateField(_("inactivity reviewed on"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("member registry")
        ordering = ["path", "name", "id"]
        indexes = [
            models.Index(fields=["path", "status"], name="member_path_status_idx"),
            # only the few members in transfer, for the receiving side's lists
            models.Index(fields=["transfer_to_path"], condition=models.Q(status="in_transfer"),
                         name="member_in_transfer_to_idx"),
            models.Index(fields=["name_pinyin"], name="member_pinyin_idx"),
            models.Index(fields=["name_initials"], name="member_initials_idx"),
            models.Index(fields=["union", "status"], name="member_union_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.card_no}）"

    # Clear values, decrypted on demand. Templates show the masked forms unless a reveal was allowed.
    @property
    def citizen_id_clear(self) -> str:
        return crypto.decrypt(self.citizen_id)

    @property
    def mobile_clear(self) -> str:
        return crypto.decrypt(self.mobile)

    @property
    def citizen_id_masked(self) -> str:
        return crypto.mask_citizen_id(self.citizen_id_clear)

    @property
    def mobile_masked(self) -> str:
        return crypto.mask_mobile(self.mobile_clear)

    def age_on(self, day: datetime.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class EventKind(models.TextChoices):
    APPLIED = "applied", _("Applied to join")
    JOINED = "joined", _("Joined")
    REFUSED = "refused", _("Application refused")
    IMPORTED = "imported", _("Registered from a roster")
    TRANSFER_OUT = "transfer_out", _("Transfer sent")
    TRANSFER_IN = "transfer_in", _("Transfer received")
    TRANSFER_REFUSED = "transfer_refused", _("Transfer refused")
    TRANSFER_CANCELLED = "transfer_cancelled", _("Transfer cancelled")
    RETAINED = "retained", _("Membership retained")
    RESTORED = "restored", _("Membership restored")
    WITHDRAWN = "withdrawn", _("Withdrew")
    EXPELLED = "expelled", _("Expelled")
    DECEASED = "deceased", _("Deceased")
    INACTIVITY_KEPT = "inactivity_kept", _("Kept after six months without dues or union life")


class MembershipEvent(models.Model):
    """One step in a member's 会籍 history. Written by the services only, never edited."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    on = models.DateField(_("date"))
    from_node = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_node = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("to"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_before = models.CharField(_("status before"), max_length=16, choices=Status.choices, blank=True)
    status_after = models.CharField(_("status after"), max_length=16, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("by (name at the time)"), max_length=150, blank=True)
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership event")
        verbose_name_plural = _("membership history")
        ordering = ["member", "on", "id"]
        indexes = [
            # 新发展会员 of a period (plans' members.new_members): the 入会 events by date, with the union joined.
            # Partial, so the many events written by roster imports ("imported") cost nothing here.
            models.Index(fields=["on", "to_node"], condition=models.Q(kind="joined"), name="event_joined_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be received")
    RECEIVED = "received", _("Received")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


class Transfer(models.Model):
    """A 会籍 transfer: the old union sends, the new union receives or refuses (DOMAIN.md)."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="transfers")
    from_union = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("from union"), on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_union = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("to union"), on_delete=models.PROTECT, related_name="transfers_in"
    )
    from_path = PathField(max_length=255, db_index=True, editable=False)
    to_path = PathField(max_length=255, db_index=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=TransferStatus.choices,
                              default=TransferStatus.PENDING)
    reason = models.CharField(_("reason for the transfer"), max_length=200, blank=True)
    sent_on = models.DateField(_("sent on"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.CharField(_("note on the decision"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(status="pending"), name="transfer_one_pending_per_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.name}: {self.from_union} → {self.to_union}"


class FivePeriod(models.TextChoices):
    """女职工 "五期" (女职工劳动保护特别规定 2012)."""

    NONE = "", _("None")
    MENSTRUAL = "menstrual", _("Menstrual period")
    PREGNANT = "pregnant", _("Pregnancy")
    MATERNITY = "maternity", _("Maternity leave")
    NURSING = "nursing", _("Nursing period")
    MENOPAUSE = "menopause", _("Menopause")


class WomenRecord(TimeStampedModel):
    """A woman member's 女职工 record, seen only by the women's officer and the chair.

    The 五期 details (stage, due date, birth, miscarriage) are health data: they are kept together as
    encrypted JSON in `details` and read through members/women/services.py. The dates of routine health checks stay
    in clear columns because the due lists of a whole federation filter on them.
    """

    member = models.OneToOneField(Member, verbose_name=_("member"), on_delete=models.CASCADE,
                                  related_name="women_record")
    path = PathField(_("org path"), max_length=255, db_index=True, editable=False)
    details = models.TextField(_("五期 details"), blank=True, editable=False, help_text=_("Stored encrypted."))
    last_gynaecological_check = models.DateField(_("last gynaecological check"), null=True, blank=True)
    last_general_check = models.DateField(_("last general health check"), null=True, blank=True)

    class Meta:
        verbose_name = _("women worker record")
        verbose_name_plural = _("women worker records")

    def __str__(self) -> str:
        return str(self.member)


class ImportMode(models.TextChoices):
    VALID_ROWS = "valid-rows", _("Import the valid rows")
    ALL_OR_NOTHING = "all-or-nothing", _("All or nothing")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ImportJob(TimeStampedModel):
    """One roster upload: the file, its dry-run report, then the import, run by the worker for large files."""

    union = models.ForeignKey("orgs.OrgNode", verbose_name=_("union"), on_delete=models.CASCADE,
                              related_name="import_jobs")
    path = PathField(_("org path"), max_length=255, db_index=True, editable=False)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    mode = models.CharField(_("mode"), max_length=16, choices=ImportMode.choices, default=ImportMode.VALID_ROWS)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices,
                              default=ImportStatus.UPLOADED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def progress(self) -> int:
        return int(self.processed * 100 / self.rows) if self.rows else 0


class MemberTally(models.Model):
    """Member counts of one org node, kept by members/tally.py from the member records: one row per
    (union, node) holding members, where the node is the members' 工会小组 if they have one, else their union
    (`path` is that node's path, as on Member). Subtree figures are a SUM over the rows under a path: a few
    thousand rows for a whole district instead of a million members."""

    union = models.ForeignKey("orgs.OrgNode", verbose_name=_("union"), on_delete=models.CASCADE,
                              related_name="+")
    node = models.ForeignKey("orgs.OrgNode", verbose_name=_("org node"), on_delete=models.CASCADE,
                             related_name="member_tallies")
    path = PathField(_("org path"), max_length=255, editable=False)
    # members in the statistics' sense (MEMBER_STATUSES: active, in transfer, retained) ...
    members = models.PositiveIntegerField(_("members"), default=0)
    women = models.PositiveIntegerField(_("women members"), default=0)
    migrant = models.PositiveIntegerField(_("migrant worker members"), default=0)
    new_form = models.PositiveIntegerField(_("new-form-of-employment members"), default=0)
    front_line = models.PositiveIntegerField(_("front-line members"), default=0)
    retired = models.PositiveIntegerField(_("retired members"), default=0)
    # ... and every record by 会籍 status
    applicant = models.PositiveIntegerField(_("applications"), default=0)
    active = models.PositiveIntegerField(_("active members"), default=0)
    in_transfer = models.PositiveIntegerField(_("members in transfer"), default=0)
    retained = models.PositiveIntegerField(_("retained memberships"), default=0)
    withdrawn = models.PositiveIntegerField(_("withdrawn members"), default=0)
    expelled = models.PositiveIntegerField(_("expelled members"), default=0)
    deceased = models.PositiveIntegerField(_("deceased members"), default=0)
    refused = models.PositiveIntegerField(_("refused applications"), default=0)

    class Meta:
        verbose_name = _("member tally")
        verbose_name_plural = _("member tallies")
        constraints = [models.UniqueConstraint(fields=["union", "node"], name="membertally_union_node_uniq")]
        indexes = [
            # Leads with the path for subtree ranges and covers the sums, so they are read from the index.
            models.Index(
                fields=["path", "members", "women", "migrant", "new_form", "front_line", "retired", "applicant",
                        "active", "in_transfer", "retained", "withdrawn", "expelled", "deceased", "refused"],
                name="membertally_path_sums_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path}: {self.members}"
