"""Member cards (会员证): the PDF, the signed token in the QR code, and the public verification page."""

from __future__ import annotations

import base64
import re
import zlib

import pytest
from django.core import signing
from django.urls import resolve, reverse

from gonghui.members import services as member_services
from gonghui.members.documents import cards
from gonghui.members.documents.selectors import mask_name
from gonghui.members.documents.tokens import SALT, BadCardToken, card_token, read_card_token
from gonghui.members.models import Member

from .conftest import make_member


def pdf_pages(data: bytes) -> int:
    assert data.startswith(b"%PDF-1.") and data.rstrip().endswith(b"%%EOF")
    pages = len(re.findall(rb"/Type /Page\b(?!s)", data))
    assert re.search(rb"/Count %d\b" % pages, data), "the page tree counts the same pages"
    return pages


def pdf_text(data: bytes) -> bytes:
    """The text strings shown on the pages (raw bytes: the CJK font's are UTF-16BE)."""
    shown = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = re.sub(rb"\s", b"", match.group(1)).removesuffix(b"~>")
        content = zlib.decompress(base64.a85decode(raw))
        for string in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", content, re.S):
            shown.append(re.sub(rb"\\([0-7]{3}|.)", lambda m: bytes([int(m.group(1), 8)]) if len(m.group(1)) == 3
                                else m.group(1), string))
    return b"\n".join(shown)


def cjk(text: str) -> bytes:
    return text.encode("utf-16-be")


@pytest.fixture
def zhang(world):
    return make_member(world.union_a, "张三丰", mobile="13812345678", group=world.group_a)


@pytest.fixture
def qr_data(monkeypatch):
    """Every text put into a QR code while the test runs."""
    seen: list[str] = []
    original = cards.qr_matrix

    def recording(data: str):
        seen.append(data)
        return original(data)

    monkeypatch.setattr(cards, "qr_matrix", recording)
    return seen


def test_it_prints_one_card_on_one_card_sized_page(client, world, zhang):
    client.force_login(world.chair_a)
    response = client.get(reverse("members:member_card", args=[zhang.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    data = b"".join(response.streaming_content)
    assert pdf_pages(data) == 1
    assert b"/MediaBox [ 0 0 242.6457 153.0709 ]" in data  # 85.6 x 54 mm
    assert b"/BaseFont /STSong-Light" in data
    text = pdf_text(data)
    for shown in ["中华全国总工会", "工会会员证", "张三丰", "甲中学工会", "扫码验证"]:
        assert cjk(shown) in text, shown
    assert zhang.card_no.encode() in text


def test_it_puts_only_a_signed_token_in_the_qr_code(client, world, zhang, qr_data):
    client.force_login(world.chair_a)
    client.get(reverse("members:member_card", args=[zhang.pk]))
    [url] = qr_data
    assert url.startswith("http://testserver/members/verify/")
    match = resolve(url.removeprefix("http://testserver"))
    assert match.view_name == "members:card_verify"
    payload = read_card_token(match.kwargs["token"])
    assert (payload.member_id, payload.card_no) == (zhang.pk, zhang.card_no)
    # what anyone can read from the token (it is signed, not encrypted): no name, no ID, no mobile
    readable = base64.urlsafe_b64decode(match.kwargs["token"].split(":")[0] + "==").decode()
    for secret in [zhang.name, zhang.name_pinyin, zhang.citizen_id_clear, zhang.citizen_id_clear[-4:],
                   zhang.mobile_clear, zhang.birth_date.isoformat()]:
        assert secret not in url and secret not in readable


def test_it_uses_the_public_address_when_one_is_set(client, world, zhang, qr_data, settings):
    settings.GONGHUI_PUBLIC_URL = "https://gonghui.example.cn/"
    client.force_login(world.chair_a)
    client.get(reverse("members:member_card", args=[zhang.pk]))
    assert qr_data[0].startswith("https://gonghui.example.cn/members/verify/")


def test_it_prints_a_sheet_of_ten_cards_to_an_a4_page(client, world, zhang, qr_data):
    for index in range(11):
        make_member(world.union_a, f"会员{index}")
    client.force_login(world.chair_a)
    response = client.get(reverse("members:card_sheet", args=[world.union_a.pk]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert pdf_pages(data) == 2  # 12 cards, ten to a page
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in data  # A4
    assert len(qr_data) == 12
    assert cjk("请按实际大小（100%）打印，沿裁切线裁切。") in pdf_text(data)
    # one card a page for a card printer
    response = client.get(reverse("members:card_sheet", args=[world.union_a.pk]), {"layout": "card"})
    assert pdf_pages(b"".join(response.streaming_content)) == 12


def test_it_prints_cards_for_the_filtered_list_or_the_chosen_members(client, world, zhang, qr_data):
    li = make_member(world.union_a, "李四", employment_type="migrant")
    wang = make_member(world.union_a, "王五")
    make_member(world.union_b, "钱七")
    client.force_login(world.chair_a)
    url = reverse("members:card_sheet", args=[world.union_a.pk])
    text = pdf_text(b"".join(client.get(url, {"employment_type": "migrant"}).streaming_content))
    assert cjk("李四") in text and cjk("王五") not in text and cjk("张三丰") not in text
    text = pdf_text(b"".join(client.get(url, {"group": world.group_a.pk}).streaming_content))
    assert cjk("张三丰") in text and cjk("李四") not in text
    qr_data.clear()
    text = pdf_text(b"".join(client.get(f"{url}?m={li.pk}&m={wang.pk}&m=oops").streaming_content))
    assert cjk("李四") in text and cjk("王五") in text and cjk("张三丰") not in text
    assert len(qr_data) == 2
    # a member of another union cannot be slipped in by id
    outsider = Member.objects.get(name="钱七")
    response = client.get(url, {"m": outsider.pk})
    assert response.status_code == 302  # nothing to print


def test_it_prints_no_card_for_someone_who_is_not_a_member(client, world, zhang):
    applicant = make_member(world.union_a, "申请人", status="applicant")
    expelled = make_member(world.union_a, "除名者")
    member_services.member_expel(actor=None, member=expelled, reason="违反章程")
    client.force_login(world.chair_a)
    for person in (applicant, expelled):
        response = client.get(reverse("members:member_card", args=[person.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("members:member_detail", args=[person.pk])
    response = client.get(reverse("members:card_sheet", args=[world.union_a.pk]), {"status": "applicant"})
    assert response.status_code == 302
    assert response["Location"] == reverse("members:member_list", args=[world.union_a.pk]) + "?status=applicant"


def test_it_lets_a_member_print_their_own_card_only(client, world, zhang):
    Member.objects.filter(pk=zhang.pk).update(user=world.member)
    other = make_member(world.union_a, "李四")
    client.force_login(world.member)  # a member role: no members.view anywhere
    response = client.get(reverse("members:member_card", args=[zhang.pk]))
    assert response.status_code == 200
    assert cjk("张三丰") in pdf_text(b"".join(response.streaming_content))
    assert client.get(reverse("members:member_card", args=[other.pk])).status_code == 404
    assert client.get(reverse("members:card_sheet", args=[world.group_a.pk])).status_code == 403
    assert client.get(reverse("members:member_export", args=[world.group_a.pk])).status_code == 403


def test_it_gives_404_to_the_outsider_on_every_document_of_union_a(client, world, zhang):
    client.force_login(world.chair_b)
    assert client.get(reverse("members:member_card", args=[zhang.pk])).status_code == 404
    assert client.get(reverse("members:card_sheet", args=[world.union_a.pk])).status_code == 404
    assert client.get(reverse("members:card_sheet", args=[world.group_a.pk])).status_code == 404
    assert client.get(reverse("members:member_export", args=[world.union_a.pk])).status_code == 404
    # nor can union B's sheet be made to hold union A's member
    response = client.get(reverse("members:card_sheet", args=[world.union_b.pk]), {"m": zhang.pk})
    assert response.status_code == 302


def test_it_lets_the_district_admin_and_a_read_only_leader_print_cards(client, world, zhang):
    for user in (world.district_admin, world.readonly_leader):
        client.force_login(user)
        assert client.get(reverse("members:member_card", args=[zhang.pk])).status_code == 200
        assert client.get(reverse("members:card_sheet", args=[world.county.pk])).status_code == 200


# ---- the verification page -------------------------------------------------------------------------------

def test_it_needs_no_login_to_verify_a_card(client, world, zhang):
    response = client.get(reverse("members:card_verify", args=[card_token(zhang)]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "有效会员证" in page
    assert zhang.card_no in page and "张**" in page and "甲中学工会" in page and "会员" in page
    for secret in ["张三丰", zhang.citizen_id_clear, zhang.citizen_id_masked, zhang.mobile_clear,
                   zhang.mobile_masked, "语文组工会小组", zhang.birth_date.isoformat()]:
        assert secret not in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("mangle", [
    lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature altered
    lambda token: signing.Signer(salt=SALT).sign_object([1, "UA-000001"])[:-4] + "abcd",
    lambda token: signing.Signer(salt="another purpose").sign_object(signing.Signer(salt=SALT).unsign_object(
        token)),  # signed by this system, but not as a card
    lambda token: base64.urlsafe_b64encode(b'[1,"UA-000009"]').decode().rstrip("=") + ":" + token.split(":")[1],
    lambda token: "not-a-token",
    lambda token: "%E5%BC%A0",
])
def test_it_refuses_a_forged_or_altered_card(client, world, zhang, mangle):
    response = client.get(reverse("members:card_verify", args=[mangle(card_token(zhang))]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "无效的会员证" in page and zhang.card_no not in page


def test_it_refuses_a_validly_signed_value_that_is_not_a_card(client, world):
    for value in [{"m": 1}, [1], ["1", "UA-1"], [True, "UA-1"], "text"]:
        token = signing.Signer(salt=SALT).sign_object(value)
        with pytest.raises(BadCardToken):
            read_card_token(token)
        assert client.get(reverse("members:card_verify", args=[token])).status_code == 404


def test_it_says_the_card_of_an_expelled_member_is_not_valid(client, world, zhang):
    token = card_token(zhang)
    member_services.member_expel(actor=None, member=zhang, reason="违反章程")
    response = client.get(reverse("members:card_verify", args=[token]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "该会员证无效" in page and "有效会员证" not in page.replace("该会员证无效", "")
    assert "已除名" in page and zhang.card_no in page


def test_it_says_a_card_whose_number_was_replaced_is_not_valid(client, world, zhang):
    token = card_token(zhang)
    member_services.member_update(actor=None, member=zhang, card_no="UA-900001")
    page = client.get(reverse("members:card_verify", args=[token])).content.decode()
    assert "该会员证无效" in page and "新的会员证号" in page
    assert "UA-900001" not in page


def test_it_keeps_a_card_valid_while_the_membership_is_retained_or_in_transfer(client, world, zhang):
    token = card_token(zhang)
    member_services.member_retain(actor=None, member=zhang, reason="retired")
    page = client.get(reverse("members:card_verify", args=[token])).content.decode()
    assert "有效会员证" in page and "保留会籍" in page
    member_services.member_restore(actor=None, member=zhang)
    member_services.member_transfer_out(actor=None, member=zhang, to_union=world.union_b)
    page = client.get(reverse("members:card_verify", args=[token])).content.decode()
    assert "有效会员证" in page and "转会中" in page


def test_it_refuses_the_card_of_a_member_removed_from_the_registry(client, world, zhang):
    token = card_token(zhang)
    Member.objects.filter(pk=zhang.pk).delete()
    assert client.get(reverse("members:card_verify", args=[token])).status_code == 404


def test_it_masks_names_to_their_first_character():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("买买提·艾力") == "买*****"
    assert mask_name("王") == "*"


def test_it_sends_a_selection_too_large_for_one_file_back_to_the_list(client, world, zhang, monkeypatch):
    from gonghui.members.documents import views

    make_member(world.union_a, "李四")
    monkeypatch.setattr(views, "MAX_CARDS", 1)
    client.force_login(world.chair_a)
    response = client.get(reverse("members:card_sheet", args=[world.union_a.pk]), {"employment_type": "employed"},
                          follow=True)
    assert response.redirect_chain[-1][0] == reverse("members:member_list", args=[world.union_a.pk]) + \
        "?employment_type=employed"
