"""The organisation tree (工会组织), the units (单位) unions cover, and committee officers with terms.

Subtrees are found through a materialised path: each node's `path` is its parent's path followed by its
own id as 8 hexadecimal characters. "Everything under X" is `path__under=X.path` (core/fields.py), one
range scan on an indexed column, whatever the depth and however many nodes there are. Units carry a copy of the path of
the node that answers for them, for the same reason.

Member figures are not entered on a node: they are derived from the member records (members.MemberTally,
kept by members/tally.py) and read through orgs/selectors.py.
"""

import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import PathField
from gonghui.core.models import TimeStampedModel
from gonghui.core.validators import validate_credit_code

SEGMENT_WIDTH = 8


def path_segment(pk: int) -> str:
    return f"{pk:0{SEGMENT_WIDTH}x}"


def path_ids(path: str) -> list[int]:
    """The ids of the nodes on a path, root first."""
    return [int(path[i : i + SEGMENT_WIDTH], 16) for i in range(0, len(path), SEGMENT_WIDTH)]


class Level(models.TextChoices):
    PROVINCE_FEDERATION = "province_federation", _("Provincial federation of trade unions")
    CITY_FEDERATION = "city_federation", _("City federation of trade unions")
    COUNTY_FEDERATION = "county_federation", _("County/district federation of trade unions")
    STREET_FEDERATION = "street_federation", _("Street/township federation of trade unions")
    JOINT_UNION = "joint_union", _("Joint union")
    GRASSROOTS_UNION = "grassroots_union", _("Grassroots union")
    BRANCH_UNION = "branch_union", _("Branch union")
    UNION_GROUP = "union_group", _("Union group")


FEDERATION_LEVELS = frozenset(
    {Level.PROVINCE_FEDERATION, Level.CITY_FEDERATION, Level.COUNTY_FEDERATION, Level.STREET_FEDERATION}
)
# Levels that cover units and elect a committee of their own.
UNION_LEVELS = frozenset({Level.JOINT_UNION, Level.GRASSROOTS_UNION})

ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    Level.PROVINCE_FEDERATION: frozenset({Level.CITY_FEDERATION}),
    Level.CITY_FEDERATION: frozenset({Level.COUNTY_FEDERATION, Level.JOINT_UNION, Level.GRASSROOTS_UNION}),
    Level.COUNTY_FEDERATION: frozenset({Level.STREET_FEDERATION, Level.JOINT_UNION, Level.GRASSROOTS_UNION}),
    Level.STREET_FEDERATION: frozenset({Level.JOINT_UNION, Level.GRASSROOTS_UNION}),
    Level.JOINT_UNION: frozenset({Level.GRASSROOTS_UNION, Level.BRANCH_UNION, Level.UNION_GROUP}),
    Level.GRASSROOTS_UNION: frozenset({Level.BRANCH_UNION, Level.UNION_GROUP}),
    Level.BRANCH_UNION: frozenset({Level.UNION_GROUP}),
    Level.UNION_GROUP: frozenset(),
}


class Formation(models.TextChoices):
    INDEPENDENT = "independent", _("Independent (one unit)")
    JOINT = "joint", _("Joint (several units)")


code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$",
    _("Use 2–32 letters, digits, '-' or '_', starting with a letter or digit."),
)


class OrgNode(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("short code"),
        max_length=32,
        unique=True,
        validators=[code_validator],
        help_text=_("Unique; used on the command line, e.g. --union CODE."),
    )
    level = models.CharField(_("level"), max_length=32, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = PathField(_("path"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    formation = models.CharField(
        _("formation"), max_length=16, choices=Formation.choices, blank=True,
        help_text=_("Whether the union covers one unit or several; blank for federations and groups."),
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    approved_on = models.DateField(_("approved by the level above on"), null=True, blank=True)
    approval_ref = models.CharField(_("approval document no."), max_length=64, blank=True)
    term_start = models.DateField(_("current term started on"), null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(
        _("term length (years)"), null=True, blank=True, choices=[(3, "3"), (5, "5")]
    )
    women_committee_established = models.BooleanField(_("women workers' committee set up"), default=False)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("union organisation")
        verbose_name_plural = _("union organisations")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["parent", "name"], name="orgnode_parent_name_idx"),
            models.Index(fields=["level"], name="orgnode_level_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_federation(self) -> bool:
        return self.level in FEDERATION_LEVELS

    @property
    def is_union(self) -> bool:
        return self.level in UNION_LEVELS

    @property
    def term_end(self) -> datetime.date | None:
        if not self.term_start or not self.term_years:
            return None
        try:
            return self.term_start.replace(year=self.term_start.year + self.term_years)
        except ValueError:  # 29 February
            return self.term_start.replace(year=self.term_start.year + self.term_years, day=28)

    @property
    def ancestor_ids(self) -> list[int]:
        return path_ids(self.path)[:-1]


class UnitKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    GOVERNMENT = "government", _("Government organ")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")


class Ownership(models.TextChoices):
    STATE = "state", _("State-owned")
    COLLECTIVE = "collective", _("Collective")
    PRIVATE = "private", _("Private")
    SHAREHOLDING = "shareholding", _("Shareholding")
    FOREIGN = "foreign", _("Foreign-invested")
    HK_MACAO_TAIWAN = "hmt", _("Hong Kong, Macao or Taiwan-invested")
    NON_PROFIT = "non_profit", _("Non-profit")
    OTHER = "other", _("Other")


class Industry(models.TextChoices):
    """Sections of GB/T 4754-2017 (国民经济行业分类)."""

    A = "A", _("Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("Mining")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, heat, gas and water")
    E = "E", _("Construction")
    F = "F", _("Wholesale and retail")
    G = "G", _("Transport, storage and post")
    H = "H", _("Accommodation and catering")
    I = "I", _("Information transmission, software and IT services")  # noqa: E741
    J = "J", _("Finance")
    K = "K", _("Real estate")
    L = "L", _("Leasing and business services")
    M = "M", _("Scientific research and technical services")
    N = "N", _("Water, environment and public facilities management")
    O = "O", _("Resident services and repairs")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Health and social work")
    R = "R", _("Culture, sports and entertainment")
    S = "S", _("Public administration and social organisations")


class Coverage(models.TextChoices):
    NONE = "none", _("No union")
    INDEPENDENT = "independent", _("Own union")
    JOINT = "joint", _("Joint union")


class Unit(TimeStampedModel):
    """An employer (单位). It lies in the area of a federation or joint union (`area_node`), and is
    covered by a union (`covering_union`): its own grassroots union, or a joint union shared with other
    units. A unit without a union has none, and counts against the 建会率."""

    name = models.CharField(_("name"), max_length=120)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code],
        error_messages={"unique": _("A unit with this unified social credit code is already registered.")},
    )
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices)
    ownership = models.CharField(_("ownership"), max_length=32, choices=Ownership.choices)
    industry = models.CharField(_("industry"), max_length=2, choices=Industry.choices)
    staff_count = models.PositiveIntegerField(_("staff"), default=0)
    women_count = models.PositiveIntegerField(_("women staff"), default=0)
    migrant_worker_count = models.PositiveIntegerField(_("migrant workers"), default=0)
    address = models.CharField(_("address"), max_length=200, blank=True)
    area_node = models.ForeignKey(
        OrgNode,
        verbose_name=_("area (federation or joint union)"),
        on_delete=models.PROTECT,
        related_name="area_units",
    )
    covering_union = models.ForeignKey(
        OrgNode,
        verbose_name=_("covering union"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="covered_units",
    )
    # The path of the node that answers for this unit: its covering union if it has one, else its area.
    path = PathField(_("path"), max_length=255, editable=False)
    # How the unit is covered, kept by the services so that coverage figures need no join.
    coverage = models.CharField(_("coverage"), max_length=16, choices=Coverage.choices, default=Coverage.NONE,
                                editable=False)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="unit_name_idx"),
            # Leads with the path for subtree ranges and covers the coverage figures (建会率, 入会率).
            models.Index(fields=["path", "coverage", "staff_count"], name="unit_path_coverage_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(women_count__lte=models.F("staff_count")), name="unit_women_within_staff"
            ),
            models.CheckConstraint(
                condition=models.Q(migrant_worker_count__lte=models.F("staff_count")),
                name="unit_migrants_within_staff",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def coverage_from_union(self) -> str:
        union = self.covering_union
        if union is None:
            return Coverage.NONE
        if union.formation == Formation.JOINT or union.level == Level.JOINT_UNION:
            return Coverage.JOINT
        return Coverage.INDEPENDENT


class OfficerRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    AUDIT_DIRECTOR = "audit_director", _("Director of the audit committee")
    WOMEN_DIRECTOR = "women_director", _("Director of the women workers' committee")
    ORGANISER = "organiser", _("Organiser")
    GROUP_LEADER = "group_leader", _("Union group leader")


# The roles that sit on the 工会委员会 itself (counted against the committee-size rule).
COMMITTEE_ROLES = frozenset({OfficerRole.CHAIR, OfficerRole.VICE_CHAIR, OfficerRole.COMMITTEE_MEMBER})


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Officer(TimeStampedModel):
    node = models.ForeignKey(OrgNode, verbose_name=_("union"), on_delete=models.CASCADE, related_name="officers")
    name = models.CharField(_("full name"), max_length=64)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=OfficerRole.choices)
    is_full_time = models.BooleanField(_("full-time"), default=False)
    term_start = models.DateField(_("term from"))
    term_end = models.DateField(_("term until"), null=True, blank=True)

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        ordering = ["node", "role", "name"]
        indexes = [models.Index(fields=["node", "term_end"], name="officer_node_term_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__isnull=True) | models.Q(term_end__gte=models.F("term_start")),
                name="officer_term_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"

    def is_current(self, today: datetime.date) -> bool:
        return self.term_start <= today and (self.term_end is None or self.term_end >= today)
