"""The rules on collective contracts (DOMAIN.md, Rights), each with the source shown to users.

The numbers are national rules (集体合同规定, 劳动和社会保障部令第22号, 2004; 工资集体协商试行办法, 2000). A province
that differs sets `GONGHUI_RIGHTS` in the settings with the keys below; the defaults are these.
"""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    # 集体合同规定 第三十八条: 集体合同或专项集体合同期限一般为1至3年
    "TERM_MIN_YEARS": 1,
    "TERM_MAX_YEARS": 3,
    "TERM_SOURCE": "《集体合同规定》第三十八条：集体合同或专项集体合同期限一般为1至3年",
    # 工资集体协商试行办法: 工资协议的期限一般为1年
    "WAGE_TERM_YEARS": 1,
    "WAGE_TERM_SOURCE": "《工资集体协商试行办法》：工资协议期限一般为1年",
    # 3–10 negotiators a side, the same number on each side
    "NEGOTIATORS_MIN": 3,
    "NEGOTIATORS_MAX": 10,
    "NEGOTIATORS_SOURCE": "《集体合同规定》《工资集体协商试行办法》：双方代表人数对等，每方3至10名",
    # filed with the labour bureau within 10 days of signing
    "FILING_DAYS": 10,
    "FILING_SOURCE": "《集体合同规定》第四十二条：签订后10日内报送劳动保障行政部门",
    # effective when the bureau raises no objection within 15 days of receipt
    "EFFECTIVE_DAYS": 15,
    "EFFECTIVE_SOURCE": "《集体合同规定》第四十七条：收到文本之日起15日内未提出异议的，即行生效",
    # either side may ask for renewal in the last 3 months (90 days) of the term
    "RENEWAL_WINDOW_DAYS": 90,
    "RENEWAL_SOURCE": "《集体合同规定》第五十七条：期满前3个月内，任何一方均可提出续订要求",
    # the draft is passed by the 职代会 (or all staff) before signing
    "CONGRESS_SOURCE": "《集体合同规定》第三十六条：草案应提交职工代表大会或全体职工讨论通过",
    # 工资集体协商签约率 target (DOMAIN.md, Plans and summaries: typical indicators)
    "WAGE_AGREEMENT_TARGET": 90,
    "WAGE_AGREEMENT_SOURCE": "DOMAIN.md 常见指标：工资集体协商签约率 ≥ 90%",
}


def rule(name: str):
    return getattr(settings, "GONGHUI_RIGHTS", {}).get(name, DEFAULTS[name])
