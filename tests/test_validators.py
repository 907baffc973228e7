import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from gonghui.core.validators import (
    citizen_id_birth_date,
    citizen_id_gender,
    clean_citizen_id,
    clean_credit_code,
)

from .conftest import VALID_CODES


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize("code", VALID_CODES)
def test_it_accepts_real_unified_social_credit_codes(code):
    assert clean_credit_code(code) == code


def test_it_normalises_full_width_lower_case_and_spaced_credit_codes():
    assert clean_credit_code("９１１１０１０８５５１３８５０８２ｑ") == "91110108551385082Q"
    assert clean_credit_code(" 9144 0300 7152 6726xg ") == "9144030071526726XG"


@pytest.mark.parametrize(
    ("code", "error_code", "words"),
    [
        ("91110000600037341A", "checksum", "校验"),  # last character changed
        ("91110000600037342L", "checksum", "校验"),  # one digit mistyped
        ("9111000060003734", "length", "18"),
        ("911100006000373411L", "length", "18"),
        ("91110000600O37341L", "format", "字母"),  # letter O for a zero
        ("A1110000600037341L", "format", "字母"),
        ("", "required", "统一社会信用代码"),
    ],
)
def test_it_rejects_wrong_credit_codes_with_a_chinese_reason(code, error_code, words):
    with pytest.raises(ValidationError) as caught:
        clean_credit_code(code)
    assert caught.value.code == error_code
    assert words in caught.value.messages[0]


@pytest.mark.parametrize("number", ["11010519491231002X", "11010519491231002x", "330110198506121231"])
def test_it_accepts_real_citizen_ids_and_upper_cases_the_x(number):
    assert clean_citizen_id(number) == number.upper()


def test_it_does_not_reject_an_area_code_that_did_not_exist_in_the_birth_year():
    # 330110 (余杭区) was created in 2001: python-stdnum's strict validate() refuses a number of someone
    # born there in 1985, but people keep their numbers when codes change (DOMAIN.md).
    from stdnum.cn import ric

    number = "33011019850612123" + ric.calc_check_digit("330110198506121230")
    assert not ric.is_valid(number)
    assert clean_citizen_id(number) == number


def test_it_refuses_a_birth_year_no_living_worker_has():
    with pytest.raises(ValidationError) as caught:
        clean_citizen_id("440524188001010014")  # the standard's own example, born 1880
    assert caught.value.code == "date"


def test_it_derives_birth_date_and_gender_from_a_citizen_id():
    assert citizen_id_birth_date("11010519491231002X") == datetime.date(1949, 12, 31)
    assert citizen_id_gender("11010519491231002X") == "F"
    assert citizen_id_gender("330110198506121231") == "M"


@pytest.mark.parametrize(
    ("number", "error_code"),
    [
        ("110105194912310021", "checksum"),
        ("110105194902300028", "date"),  # 30 February
        ("1.10105E+17", "excel_number"),
        ("110105491231002", "first_generation"),
        ("11010519491231002", "length"),
        ("11010519491231002Y", "format"),
    ],
)
def test_it_rejects_wrong_citizen_ids_with_a_reason(number, error_code):
    with pytest.raises(ValidationError) as caught:
        clean_citizen_id(number)
    assert caught.value.code == error_code
