"""Plan templates by kind of unit: the items and indicators a plan starts from (issue 5 §1).

Modelled on the 工会工作计划 that schools, hospitals, kindergartens, communities, enterprises and street or
county federations print each year: the usual sections (组织建设 … 自身建设), each item with its 目标, 措施,
时限 and 责任人, the kind of record that carries it out (an evidence source of plans/contrib.py, e.g. an
activity of kind "training"), and the targets (建会率 ≥ 95%, 信息报送 ≥ 2 篇 …). The text is Chinese data,
not UI: a plan drafted from a template is the officer's own text from then on.

`default_template(node)` guesses the template from the node: a federation drafts the federation plan, a
joint union the community plan, a union covering a school (industry P) the school plan (a 幼儿园 the
kindergarten plan), a hospital (industry Q) the hospital plan, any other union the enterprise plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from gonghui.orgs.models import FEDERATION_LEVELS, Level, OfficerRole, OrgNode

from .models import Comparator, PlanTemplate, Section, Timing

# A target given by a setting instead of a number (信息报送 ≥ GONGHUI_PLANS["INFO_REPORTS_PER_YEAR"] 篇).
INFO_REPORTS = "INFO_REPORTS_PER_YEAR"


@dataclass(frozen=True)
class TemplateIndicator:
    label: str
    target: Decimal | str            # a number, or the name of a GONGHUI_PLANS setting
    unit: str = ""
    metric: str = ""                 # a metric key of plans/contrib.py; "" for a value entered by hand
    comparator: str = Comparator.AT_LEAST

    def target_value(self) -> Decimal:
        if isinstance(self.target, str):
            return Decimal(settings.GONGHUI_PLANS[self.target])
        return Decimal(self.target)


@dataclass(frozen=True)
class TemplateItem:
    section: str
    title: str
    target: str = ""
    measures: str = ""
    timing: str = Timing.YEARLY
    months: tuple[int, ...] = ()
    quarters: tuple[int, ...] = ()
    due: tuple[int, int] | None = None   # (month, day) of the plan's year, for Timing.DATE
    role: str = ""
    evidence: str = ""
    indicator: TemplateIndicator | None = None
    topic: str = ""  # the suggestions it stands for (plans/services.suggestion_topic), e.g. "orgs.congress"


@dataclass(frozen=True)
class Template:
    key: str
    foreword: str
    items: tuple[TemplateItem, ...]
    indicators: tuple[TemplateIndicator, ...] = field(default=())  # (section, indicator) without an item

    def all_indicators(self):
        """(section, indicator, item or None) in the template's order."""
        rows = [(item.section, item.indicator, item) for item in self.items if item.indicator]
        return rows + [(section, indicator, None) for section, indicator in self.indicators]


S = Section
R = OfficerRole
T = Timing


# The template items that stand for a suggestion of the records (plans/services.py merges the suggestion into
# the item, with its source, rather than adding a second item for the same work).
TOPICS = {
    "召开教职工代表大会": "orgs.congress", "召开职工代表大会": "orgs.congress",
    "做好信息报送工作": "orgs.info_reports", "组织女职工健康体检": "members.women_check",
    "开展“送清凉”活动": "care.campaign:coolness", "开展“送温暖”活动": "care.campaign:warmth",
    "督促基层工会按期换届": "orgs.re_election_below", "督促基层工会信息报送": "orgs.info_reports",
}


def _i(section, title, target="", measures="", timing=T.YEARLY, *, months=(), quarters=(), due=None, role="",
       evidence="", indicator=None) -> TemplateItem:
    return TemplateItem(section=section, title=title, target=target, measures=measures, timing=timing,
                        months=tuple(months), quarters=tuple(quarters), due=due, role=role, evidence=evidence,
                        indicator=indicator, topic=TOPICS.get(title, ""))


def _info_reports_item(role=R.COMMITTEE_MEMBER) -> TemplateItem:
    return _i(S.PUBLICITY, "做好信息报送工作", "及时向上级工会报送工作信息，全年不少于规定篇数。",
              "指定专人负责信息宣传，每季度梳理工作亮点，撰写工作信息、活动简报报送上级工会。",
              T.QUARTERLY, role=role,
              indicator=TemplateIndicator("信息报送", INFO_REPORTS, "篇"))


def _funds_items(role=R.AUDIT_DIRECTOR) -> tuple[TemplateItem, ...]:
    return (
        _i(S.FUNDS, "编制年度经费预算", "按规定编制工会经费收支预算，报上级工会备案。",
           "依照基层工会经费收支管理办法编制预算，经工会委员会集体研究通过。", T.MONTHS, months=[1],
           role=R.CHAIR),
        _i(S.FUNDS, "开展经费审查", "经审委员会对经费收支情况进行审查，向会员公开。",
           "半年审查一次经费收支，年底形成审查报告并在会员大会（代表大会）上报告。", T.HALF_YEARLY,
           months=[6, 12], role=role),
    )


def _self_items() -> tuple[TemplateItem, ...]:
    return (
        _i(S.SELF, "加强工会干部学习培训", "提升工会干部履职能力。",
           "组织工会委员参加上级工会培训，开展工会业务知识学习。", T.HALF_YEARLY, role=R.CHAIR,
           evidence="activities.activity:training"),
        _i(S.SELF, "定期召开工会委员会议", "研究部署工会工作，落实民主集中制。",
           "每季度至少召开一次工会委员会议，做好会议记录。", T.QUARTERLY, role=R.CHAIR,
           evidence="activities.activity:meeting"),
        _i(S.SELF, "做好年度工作总结", "总结全年工作，查找不足，谋划来年工作。",
           "对照年度计划逐项检查完成情况，形成书面总结报上级工会。", T.MONTHS, months=[12], role=R.CHAIR),
    )


def _festival_visits(role=R.CHAIR) -> TemplateItem:
    return _i(S.CARE, "开展节日慰问", "春节、端午、中秋等节日向会员发放节日慰问品。",
              "按经费使用标准采购慰问品，做好签收登记，确保人人有份。", T.MONTHS, months=[1, 6, 9], role=role,
              evidence="care.assistance:festival")


def _hardship(role=R.VICE_CHAIR) -> TemplateItem:
    return _i(S.CARE, "做好困难职工帮扶", "困难职工档案动态管理，应帮尽帮。",
              "走访核实困难职工家庭情况，更新档案；结合送温暖、金秋助学开展帮扶救助。", T.QUARTERLY,
              role=role, evidence="care.assistance",
              indicator=TemplateIndicator("困难职工档案帮扶覆盖率", Decimal(100), "%",
                                          "care.hardship_coverage"))


def _sick_visits(role=R.COMMITTEE_MEMBER) -> TemplateItem:
    return _i(S.CARE, "做好会员生病住院、婚丧喜事慰问", "会员“五必访”，及时送去组织关怀。",
              "建立会员情况信息通报机制，会员生病住院、结婚、生育、直系亲属去世等及时走访慰问。", T.MONTHLY,
              role=role, evidence="care.visit",
              indicator=TemplateIndicator("走访慰问", Decimal(20), "人次", "care.visits"))


def _women_items(festival_title="开展“三八”妇女节活动") -> tuple[TemplateItem, ...]:
    return (
        _i(S.WOMEN, festival_title, "丰富女职工精神文化生活，展示女职工风采。",
           "组织女职工开展庆祝“三八”国际妇女节主题活动。", T.MONTHS, months=[3], role=R.WOMEN_DIRECTOR,
           evidence="activities.activity:festival"),
        _i(S.WOMEN, "组织女职工健康体检", "女职工“两癌”筛查和妇科体检应检尽检。",
           "与单位协调安排女职工专项体检，做好体检情况登记。", T.MONTHS, months=[5], role=R.WOMEN_DIRECTOR),
        _i(S.WOMEN, "落实女职工特殊权益保护", "女职工权益保护专项集体合同有效落实。",
           "宣传《女职工劳动保护特别规定》，检查经期、孕期、产期、哺乳期、更年期“五期”保护落实情况。", T.HALF_YEARLY,
           role=R.WOMEN_DIRECTOR),
    )


SCHOOL = Template(
    key=PlanTemplate.SCHOOL,
    foreword="以习近平新时代中国特色社会主义思想为指导，全面贯彻党的教育方针，紧紧围绕学校中心工作，"
             "坚持全心全意依靠教职工办学，充分发挥工会在民主管理、师德建设和关心教职工生活中的作用，"
             "努力建设“教职工之家”。",
    items=(
        _i(S.ORGANISATION, "做好会员发展和会籍管理", "新入职教职工应入尽入，会员信息准确完整。",
           "新教师入职时同步办理入会手续，及时办理会员调动和会籍接转。", T.MONTHS, months=[9],
           role=R.ORGANISER,
           indicator=TemplateIndicator("入会率", Decimal(95), "%", "members.membership_rate")),
        _i(S.ORGANISATION, "健全工会小组建设", "各教研组、年级组工会小组健全，活动正常。",
           "调整充实工会小组长，定期召开小组长会议。", T.MONTHS, months=[2, 9], role=R.CHAIR),
        _i(S.DEMOCRACY, "召开教职工代表大会", "每学年至少召开一次教代会，审议学校重大事项。",
           "会前征集提案，组织代表审议学校工作报告、财务报告及涉及教职工切身利益的方案，会后跟踪提案落实。",
           T.MONTHS, months=[3], role=R.CHAIR, evidence="activities.activity:meeting"),
        _i(S.DEMOCRACY, "推进校务公开", "校务公开栏按时更新，教职工知情权、参与权、监督权得到落实。",
           "协同学校行政做好评优评先、职称评聘、绩效分配等事项公开。", T.QUARTERLY, role=R.VICE_CHAIR),
        _i(S.RIGHTS, "维护教职工合法权益", "教职工合理诉求得到及时回应。",
           "畅通教职工诉求渠道，参与涉及教职工切身利益制度的制定，开展劳动法律法规宣传。", T.HALF_YEARLY,
           role=R.VICE_CHAIR),
        _i(S.RIGHTS, "开展师德师风建设", "师德师风水平持续提升，无违反师德行为。",
           "组织师德师风专题学习，开展“最美教师”评选，宣传优秀教师先进事迹。", T.MONTHS, months=[9],
           role=R.CHAIR, evidence="activities.activity:training"),
        _i(S.CARE, "开展教师节慰问", "教师节期间慰问全体教职工和退休教师。",
           "结合教师节庆祝活动，走访慰问退休教职工和困难教职工。", T.MONTHS, months=[9], role=R.CHAIR,
           evidence="care.visit:festival"),
        _festival_visits(),
        _sick_visits(),
        _hardship(),
        _i(S.CULTURE, "开展教职工文体活动", "每月开展一项教职工文体活动，增强教职工队伍凝聚力。",
           "组织教职工趣味运动会、羽毛球赛、读书会、登山等活动，发挥教职工文体协会作用。", T.MONTHLY,
           role=R.COMMITTEE_MEMBER, evidence="activities.activity:sports_culture",
           indicator=TemplateIndicator("开展活动", Decimal(12), "次", "activities.activities")),
        _i(S.CULTURE, "举办教职工运动会", "全员参与，展现教职工健康向上的精神风貌。",
           "制定运动会方案，设置集体项目和趣味项目，以工会小组为单位组队参赛。", T.MONTHS, months=[11],
           role=R.COMMITTEE_MEMBER, evidence="activities.activity:competition"),
        _i(S.CULTURE, "开展青年教师教学技能比武", "提升青年教师教学基本功。",
           "配合教务处开展青年教师说课、讲课比赛，对优胜者给予表彰。", T.MONTHS, months=[4],
           role=R.COMMITTEE_MEMBER, evidence="activities.activity:competition"),
        *_women_items(),
        *_funds_items(),
        _i(S.PUBLICITY, "组织政治理论和业务学习", "教职工思想政治素质不断提高。",
           "结合教职工政治学习，宣传党的教育方针和工会工作，利用校园网、公众号宣传工会活动。", T.QUARTERLY,
           role=R.CHAIR, evidence="activities.activity:training"),
        _info_reports_item(),
        *_self_items(),
    ),
    indicators=(
        (S.CULTURE, TemplateIndicator("参与活动", Decimal(300), "人次", "activities.participants")),
    ),
)

KINDERGARTEN = Template(
    key=PlanTemplate.KINDERGARTEN,
    foreword="坚持以教职工为本，围绕幼儿园保教中心工作，加强师德师风建设，维护教职工合法权益，"
             "关心教职工身心健康，团结带领全园教职工为办好人民满意的学前教育贡献力量。",
    items=(
        _i(S.ORGANISATION, "做好会员发展和会籍管理", "新入职教职工及时入会，会员信息准确。",
           "新教职工入职即宣传入会，及时更新会员信息。", T.MONTHS, months=[9], role=R.ORGANISER,
           indicator=TemplateIndicator("入会率", Decimal(95), "%", "members.membership_rate")),
        _i(S.DEMOCRACY, "召开教职工大会", "每学年召开一次教职工（代表）大会，审议园务工作。",
           "会前征集教职工意见建议，审议幼儿园工作计划和涉及教职工利益的事项。", T.MONTHS, months=[3],
           role=R.CHAIR, evidence="activities.activity:meeting"),
        _i(S.DEMOCRACY, "推进园务公开", "园务公开及时规范。",
           "评优评先、绩效考核、收费情况等按规定公开。", T.HALF_YEARLY, role=R.VICE_CHAIR),
        _i(S.RIGHTS, "开展师德师风教育", "教职工爱岗敬业、关爱幼儿，无违反师德行为。",
           "组织师德承诺、师德专题学习，评选“师德标兵”。", T.MONTHS, months=[9], role=R.CHAIR,
           evidence="activities.activity:training"),
        _i(S.RIGHTS, "开展保教技能培训和比武", "提升教职工保教技能。",
           "组织讲故事、环境创设、保育技能等比赛。", T.MONTHS, months=[5], role=R.COMMITTEE_MEMBER,
           evidence="activities.activity:competition"),
        _festival_visits(),
        _sick_visits(),
        _i(S.CULTURE, "开展教职工文体活动", "每季度开展一项教职工集体活动。",
           "组织趣味运动、手工制作、读书分享等活动，缓解教职工工作压力。", T.QUARTERLY,
           role=R.COMMITTEE_MEMBER, evidence="activities.activity:sports_culture",
           indicator=TemplateIndicator("开展活动", Decimal(4), "次", "activities.activities")),
        *_women_items("开展“三八”节女教职工活动"),
        _i(S.FUNDS, "规范经费使用", "经费收支规范，账目公开。",
           "严格执行经费使用标准，年底向教职工公开经费收支情况。", T.MONTHS, months=[12],
           role=R.AUDIT_DIRECTOR),
        _info_reports_item(),
        *_self_items(),
    ),
)

HOSPITAL = Template(
    key=PlanTemplate.HOSPITAL,
    foreword="以习近平新时代中国特色社会主义思想为指导，围绕医院改革发展和医疗服务中心工作，"
             "深化院务公开和民主管理，开展优质服务劳动竞赛，关心关爱医务职工，为建设人民满意的医院凝心聚力。",
    items=(
        _i(S.ORGANISATION, "做好会员发展工作", "新进职工、规培人员和劳务派遣人员应入尽入。",
           "结合新职工岗前培训宣传入会，做好会员信息维护。", T.QUARTERLY, role=R.ORGANISER,
           indicator=TemplateIndicator("入会率", Decimal(95), "%", "members.membership_rate")),
        _i(S.ORGANISATION, "加强科室工会小组建设", "各临床、医技、行政科室工会小组健全。",
           "调整工会小组长，开展“优秀工会小组”评选。", T.MONTHS, months=[3], role=R.CHAIR),
        _i(S.DEMOCRACY, "召开职工代表大会", "每年召开职代会，审议医院工作报告和重大事项。",
           "会前征集提案，会上审议医院工作报告、财务预决算报告和绩效分配方案，会后督办提案。", T.MONTHS,
           months=[3], role=R.CHAIR, evidence="activities.activity:meeting"),
        _i(S.DEMOCRACY, "深化院务公开", "院务公开内容规范、及时，职工满意。",
           "通过院务公开栏、内网、职工座谈会公开药品耗材采购、人事招聘、绩效分配等事项。", T.QUARTERLY,
           role=R.VICE_CHAIR),
        _i(S.RIGHTS, "开展优质服务劳动竞赛", "以竞赛促服务，提升医疗服务质量和患者满意度。",
           "开展“优质服务月”、护理技能大赛、“最美医务工作者”评选。", T.MONTHS, months=[5, 10],
           role=R.VICE_CHAIR, evidence="activities.activity:competition"),
        _i(S.RIGHTS, "维护医务职工合法权益", "职工休息休假、职业防护落实。",
           "督促落实带薪休假和夜班补助，关注医务人员职业暴露防护和执业安全。", T.HALF_YEARLY,
           role=R.VICE_CHAIR),
        _i(S.CARE, "开展医务职工关爱行动", "关心一线医务人员身心健康。",
           "开展职工心理疏导讲座，慰问节假日坚守岗位的一线医务人员，为夜班职工改善就餐休息条件。",
           T.QUARTERLY, role=R.CHAIR, evidence="care.visit"),
        _i(S.CARE, "组织职工疗休养", "分批组织职工参加疗休养。",
           "按照疗休养管理办法，优先安排一线骨干和先进个人。", T.MONTHS, months=[10], role=R.CHAIR,
           evidence="activities.activity:recuperation"),
        _festival_visits(),
        _sick_visits(),
        _hardship(),
        _i(S.CULTURE, "开展职工文体活动", "丰富职工业余生活，缓解工作压力。",
           "组织健步走、羽毛球、乒乓球比赛和文艺汇演，活跃职工文化生活。", T.QUARTERLY,
           role=R.COMMITTEE_MEMBER, evidence="activities.activity:sports_culture",
           indicator=TemplateIndicator("开展活动", Decimal(6), "次", "activities.activities")),
        _i(S.CULTURE, "庆祝中国医师节、护士节", "弘扬崇高职业精神。",
           "“5·12”护士节、“8·19”医师节开展表彰和庆祝活动。", T.MONTHS, months=[5, 8],
           role=R.COMMITTEE_MEMBER, evidence="activities.activity:festival"),
        *_women_items(),
        *_funds_items(),
        _i(S.PUBLICITY, "宣传先进典型", "营造学先进、争先进的良好氛围。",
           "推荐申报劳动模范、工人先锋号等荣誉，宣传医务职工先进事迹。", T.HALF_YEARLY, role=R.CHAIR,
           evidence="activities.honour"),
        _info_reports_item(),
        *_self_items(),
    ),
    indicators=(
        (S.CULTURE, TemplateIndicator("参与活动", Decimal(500), "人次", "activities.participants")),
    ),
)

ENTERPRISE = Template(
    key=PlanTemplate.ENTERPRISE,
    foreword="坚持以职工为中心，围绕企业生产经营中心任务，推进厂务公开和集体协商，开展劳动竞赛和技能提升，"
             "维护职工合法权益，构建和谐劳动关系，促进企业和职工共同发展。",
    items=(
        _i(S.ORGANISATION, "推进职工入会", "职工（含劳务派遣工、农民工）应入尽入。",
           "新员工入职培训时宣讲入会，班组长协助动员，及时办理入会手续。", T.QUARTERLY, role=R.ORGANISER,
           indicator=TemplateIndicator("入会率", Decimal(95), "%", "members.membership_rate")),
        _i(S.ORGANISATION, "加强班组工会小组建设", "车间、班组工会小组全覆盖。",
           "按车间班组设立工会小组，明确小组长职责。", T.MONTHS, months=[3], role=R.CHAIR),
        _i(S.DEMOCRACY, "召开职工代表大会", "依法召开职代会，审议企业重大事项和涉及职工切身利益的制度。",
           "会前征集提案，审议工资调整、劳动定额、福利分配等事项，会后落实提案答复。", T.MONTHS, months=[3],
           role=R.CHAIR, evidence="activities.activity:meeting"),
        _i(S.DEMOCRACY, "推进厂务公开", "厂务公开规范化、制度化。",
           "通过公开栏、职工大会公开企业经营状况、劳动合同、社保缴纳、安全生产等事项。", T.QUARTERLY,
           role=R.VICE_CHAIR),
        _i(S.RIGHTS, "开展工资集体协商", "签订并履行工资专项集体合同。",
           "收集职工意见，提出协商要约，与企业行政开展协商，合同报人社部门审查备案。", T.MONTHS, months=[4],
           role=R.CHAIR, evidence="rights.contract:wage",
           indicator=TemplateIndicator("工资集体协商签约率", Decimal(90), "%", "rights.wage_agreement_rate")),
        _i(S.RIGHTS, "开展劳动保护监督检查", "安全生产无事故，职业病防护到位。",
           "组织群众性安全生产监督检查和“安康杯”竞赛，督促落实劳动防护用品发放。", T.QUARTERLY,
           role=R.VICE_CHAIR),
        _i(S.RIGHTS, "开展劳动和技能竞赛", "以赛促学，提升职工技能水平。",
           "围绕生产任务开展岗位练兵、技能比武，推荐优秀职工参加上级竞赛。", T.MONTHS, months=[6, 10],
           role=R.VICE_CHAIR, evidence="activities.activity:competition"),
        _i(S.CARE, "开展“送清凉”活动", "高温期间一线职工防暑降温到位。",
           "为高温作业岗位职工发放防暑降温用品，慰问一线职工。", T.MONTHS, months=[7], role=R.CHAIR,
           evidence="care.assistance:coolness"),
        _i(S.CARE, "开展“送温暖”活动", "困难职工、一线职工过一个温暖祥和的春节。",
           "春节前走访慰问困难职工和坚守岗位职工。", T.MONTHS, months=[1], role=R.CHAIR,
           evidence="care.assistance:warmth"),
        _festival_visits(),
        _sick_visits(),
        _hardship(),
        _i(S.CULTURE, "开展职工文体活动", "丰富职工业余文化生活。",
           "组织拔河、篮球、趣味运动会、职工书屋读书等活动。", T.QUARTERLY, role=R.COMMITTEE_MEMBER,
           evidence="activities.activity:sports_culture",
           indicator=TemplateIndicator("开展活动", Decimal(6), "次", "activities.activities")),
        *_women_items(),
        *_funds_items(),
        _i(S.PUBLICITY, "开展职工思想政治教育", "弘扬劳模精神、劳动精神、工匠精神。",
           "组织职工学习培训，宣传劳模和工匠先进事迹，开展普法宣传。", T.HALF_YEARLY, role=R.CHAIR,
           evidence="activities.activity:training"),
        _info_reports_item(),
        *_self_items(),
    ),
)

COMMUNITY = Template(
    key=PlanTemplate.COMMUNITY,
    foreword="围绕“哪里有职工，哪里就有工会组织”的目标，做好辖区非公企业和新就业形态劳动者建会入会工作，"
             "以联合工会为依托服务小微企业职工，推进区域性集体协商，打造职工满意的“职工之家”。",
    items=(
        _i(S.ORGANISATION, "推进辖区企业建会", "摸清辖区企业底数，25人以上企业应建尽建。",
           "逐户走访辖区企业，建立未建会企业台账，“一企一策”推动建会；小微企业纳入联合工会。", T.QUARTERLY,
           role=R.CHAIR,
           indicator=TemplateIndicator("新增建会", Decimal(2), "家", "orgs.new_unions")),
        _i(S.ORGANISATION, "推进新就业形态劳动者入会", "快递员、外卖送餐员、网约车司机等应入尽入。",
           "开展“集中入会”行动，在驿站、站点设立入会服务点，推广线上入会。", T.MONTHS, months=[5, 9],
           role=R.ORGANISER,
           indicator=TemplateIndicator("新发展会员", Decimal(50), "人", "members.new_members")),
        _i(S.DEMOCRACY, "召开联合工会会员（代表）大会", "民主管理制度健全。",
           "每年召开一次会员（代表）大会，报告工会工作和经费收支情况。", T.MONTHS, months=[3], role=R.CHAIR,
           evidence="activities.activity:meeting"),
        _i(S.RIGHTS, "开展区域性行业性集体协商", "小微企业工资集体协商覆盖面不断扩大。",
           "组织辖区同行业企业开展区域性集体协商，签订区域性工资专项集体合同。", T.MONTHS, months=[4],
           role=R.CHAIR, evidence="rights.contract:wage",
           indicator=TemplateIndicator("工资集体协商签约率", Decimal(90), "%", "rights.wage_agreement_rate")),
        _i(S.RIGHTS, "做好劳动争议调解和法律服务", "职工诉求及时化解在基层。",
           "依托社区调解室开展劳动争议调解，联系律师开展法律咨询进社区。", T.QUARTERLY, role=R.VICE_CHAIR),
        _i(S.CARE, "开展“春送岗位”活动", "帮助失业职工和农民工就业。",
           "联合人社部门举办招聘会，发布辖区企业用工信息。", T.MONTHS, months=[2], role=R.VICE_CHAIR,
           evidence="care.assistance:jobs"),
        _i(S.CARE, "开展“送温暖”“送清凉”活动", "困难职工和户外劳动者得到关爱。",
           "春节走访困难职工，夏季在户外劳动者服务站点发放防暑用品。", T.MONTHS, months=[1, 7], role=R.CHAIR,
           evidence="care.campaign"),
        _sick_visits(),
        _hardship(),
        _i(S.CULTURE, "开展职工文体活动", "活跃辖区职工文化生活。",
           "联合辖区企业开展广场舞、趣味运动会、观影等活动，组织职工志愿服务。", T.QUARTERLY,
           role=R.COMMITTEE_MEMBER, evidence="activities.activity",
           indicator=TemplateIndicator("开展活动", Decimal(4), "次", "activities.activities")),
        *_women_items("开展“三八”节女职工活动"),
        _i(S.FUNDS, "规范联合工会经费管理", "经费收缴及时，使用规范。",
           "督促会员单位按时足额拨缴经费，年底公开经费收支情况。", T.HALF_YEARLY, months=[6, 12],
           role=R.AUDIT_DIRECTOR),
        _i(S.PUBLICITY, "加强工会工作宣传", "职工知晓工会、信赖工会。",
           "在社区宣传栏、微信群宣传工会政策和服务项目，推广职工服务阵地。", T.QUARTERLY,
           role=R.COMMITTEE_MEMBER),
        _info_reports_item(),
        _i(S.SELF, "建设户外劳动者服务站点", "服务站点“有场地、有设施、有制度、有人员”。",
           "完善驿站饮水、休息、充电、如厕等设施，公示开放时间。", T.MONTHS, months=[6], role=R.CHAIR),
        *_self_items(),
    ),
    indicators=(
        (S.ORGANISATION, TemplateIndicator("建会率（25人以上单位）", Decimal(95), "%",
                                           "orgs.founding_rate_min_staff")),
    ),
)

FEDERATION = Template(
    key=PlanTemplate.FEDERATION,
    foreword="坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神和中国工会十八大精神，"
             "围绕中心、服务大局，扩大工会组织覆盖，规范基层工会建设，强化维权服务，深化产业工人队伍建设改革，"
             "推动辖区工会工作高质量发展。",
    items=(
        _i(S.ORGANISATION, "推进建会入会攻坚", "辖区25人以上单位建会率达到目标，新增建会企业不少于目标数。",
           "开展未建会单位排查，建立工作台账，分片包干，逐一推进建会；规范联合工会建设。", T.QUARTERLY,
           role=R.CHAIR,
           indicator=TemplateIndicator("建会率（25人以上单位）", Decimal(95), "%",
                                       "orgs.founding_rate_min_staff")),
        _i(S.ORGANISATION, "扩大会员覆盖", "辖区入会率达到目标，新就业形态劳动者应入尽入。",
           "开展“八大群体”集中入会行动，推进会员实名制管理，核查会员信息。", T.QUARTERLY, role=R.ORGANISER,
           indicator=TemplateIndicator("入会率", Decimal(95), "%", "members.membership_rate")),
        _i(S.ORGANISATION, "督促基层工会按期换届", "届满基层工会按期换届，选举程序规范。",
           "梳理基层工会任期台账，提前三个月提醒届满单位，指导换届选举并做好审批。", T.QUARTERLY,
           role=R.CHAIR),
        _i(S.DEMOCRACY, "推进职代会制度建设", "企事业单位职代会建制率持续提高。",
           "指导百人以上单位依法召开职代会，推进厂务公开民主管理示范单位创建。", T.HALF_YEARLY,
           role=R.VICE_CHAIR),
        _i(S.RIGHTS, "深化集体协商", "工资集体协商签约率达到目标。",
           "开展集体协商“要约行动”，推进区域性、行业性集体协商，加强合同履约监督。", T.MONTHS, months=[3, 4],
           role=R.VICE_CHAIR, evidence="rights.contract:wage",
           indicator=TemplateIndicator("工资集体协商签约率", Decimal(90), "%", "rights.wage_agreement_rate")),
        _i(S.RIGHTS, "开展劳动和技能竞赛", "组织辖区职工技能竞赛，选树技术能手。",
           "围绕重点工程和主导产业开展劳动竞赛、职业技能大赛。", T.MONTHS, months=[9],
           role=R.VICE_CHAIR, evidence="activities.activity:competition"),
        _i(S.CARE, "开展“四季送”服务", "春送岗位、夏送清凉、金秋助学、冬送温暖全覆盖。",
           "统筹各级帮扶资金，组织基层工会开展“四季送”活动，做到应帮尽帮。", T.QUARTERLY, role=R.CHAIR,
           evidence="care.campaign"),
        _hardship(R.VICE_CHAIR),
        _i(S.CARE, "开展帮扶救助", "困难职工帮扶及时足额。",
           "做好生活救助、医疗救助、助学救助，资金发放公开透明。", T.QUARTERLY, role=R.VICE_CHAIR,
           evidence="care.assistance",
           indicator=TemplateIndicator("帮扶救助金额", Decimal(100000), "元", "care.assistance_amount")),
        _i(S.CULTURE, "组织职工文体活动", "辖区职工文化活动丰富多彩。",
           "组织职工运动会、文艺汇演、读书月等活动，指导基层工会建设职工书屋。", T.QUARTERLY,
           role=R.COMMITTEE_MEMBER, evidence="activities.activity",
           indicator=TemplateIndicator("开展活动", Decimal(8), "次", "activities.activities")),
        *_women_items("组织“三八”节女职工系列活动"),
        _i(S.FUNDS, "加强经费收缴和审查审计", "经费收缴足额，使用规范。",
           "督促基层工会按时拨缴经费，开展经费审查审计，规范基层工会经费使用。", T.HALF_YEARLY,
           months=[6, 12], role=R.AUDIT_DIRECTOR),
        _i(S.PUBLICITY, "加强工会宣传和劳模选树", "劳模精神、劳动精神、工匠精神深入人心。",
           "推荐各级劳模、工人先锋号，宣传先进典型，开展“工会进万家”宣传。", T.HALF_YEARLY, role=R.CHAIR,
           evidence="activities.honour",
           indicator=TemplateIndicator("获得表彰", Decimal(3), "项", "activities.honours")),
        _i(S.PUBLICITY, "督促基层工会信息报送", "各基层工会按要求报送工作信息。",
           "每季度通报基层工会信息报送情况，评选优秀信息。", T.QUARTERLY, role=R.COMMITTEE_MEMBER),
        _info_reports_item(),
        _i(S.SELF, "开展基层工会工作考核", "年度考核全覆盖，以考促建。",
           "制定考核方案，年底对基层工会工作进行考核评比，表彰先进。", T.MONTHS, months=[12], role=R.CHAIR),
        _i(S.SELF, "加强工会干部培训", "基层工会主席培训全覆盖。",
           "举办基层工会主席、经审主任、女职工主任业务培训班。", T.HALF_YEARLY, role=R.CHAIR,
           evidence="activities.activity:training"),
        _i(S.SELF, "做好年度工作总结", "总结全年工作，谋划来年工作。",
           "对照年度计划检查完成情况，形成书面总结报上级工会。", T.MONTHS, months=[12], role=R.CHAIR),
    ),
    indicators=(
        (S.ORGANISATION, TemplateIndicator("新增建会", Decimal(2), "家", "orgs.new_unions")),
        (S.ORGANISATION, TemplateIndicator("新发展会员", Decimal(200), "人", "members.new_members")),
    ),
)

TEMPLATES: dict[str, Template] = {template.key: template for template in (
    SCHOOL, HOSPITAL, KINDERGARTEN, COMMUNITY, ENTERPRISE, FEDERATION)}


def template(key: str) -> Template | None:
    return TEMPLATES.get(key)


def default_template(node: OrgNode) -> str:
    """The template a node's plan most likely starts from (see the module's docstring)."""
    if node.level in FEDERATION_LEVELS:
        return PlanTemplate.FEDERATION
    if node.level == Level.JOINT_UNION:
        return PlanTemplate.COMMUNITY
    union = node
    while union is not None and union.level not in (Level.GRASSROOTS_UNION, Level.JOINT_UNION):
        union = union.parent
    if union is None:
        return PlanTemplate.ENTERPRISE
    if union.level == Level.JOINT_UNION:
        return PlanTemplate.COMMUNITY
    unit = union.covered_units.order_by("-staff_count", "pk").only("name", "industry").first()
    if unit is None:
        return PlanTemplate.ENTERPRISE
    if unit.industry == "P":
        return PlanTemplate.KINDERGARTEN if "幼儿园" in unit.name else PlanTemplate.SCHOOL
    if unit.industry == "Q":
        return PlanTemplate.HOSPITAL
    return PlanTemplate.ENTERPRISE
