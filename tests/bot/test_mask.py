import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.mask import id_check_digit, luhn_ok, mask


def make_id(rng: random.Random) -> str:
    first = f"{rng.randint(110000, 659999)}{rng.randint(1950, 2010)}{rng.randint(1, 12):02d}"
    first += f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first + id_check_digit(first)


def test_check_digit_of_the_standard_example():
    assert id_check_digit("11010519491231002") == "X"


def test_resident_id_in_its_many_forms():
    for text in ("11010519491231002X", "11010519491231002x", "110105 19491231 002X",
                 "110105-19491231-002X", "１１０１０５１９４９１２３１００２Ｘ"):  # fmt: skip
        masked = mask(f"我的身份证号是{text}，谢谢")
        assert "19491231" not in masked.replace(" ", "").replace("-", "")
        assert "１９４９" not in masked
        assert masked.startswith("我的身份证号是") and masked.endswith("，谢谢")


def test_mobile_keeps_the_familiar_shape():
    assert mask("电话13800138000") == "电话138****8000"
    assert mask("+86 138-0013-8000") == "+86 138-****-8000"
    assert mask("座机 0510-12345678") == "座机 0510-12345678"


def test_bank_card_and_other_long_numbers():
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert mask("卡号4111 1111 1111 1111") == "卡号**** **** **** 1111"
    # Any 15+ digit number is masked: it may hide an ID with digits typed around it.
    assert mask("编号4111111111111112") == "编号************1112"
    assert mask("案号20261234567") == "案号20261234567"


def test_email():
    assert mask("邮箱 zhang.san@example.com.cn") == "邮箱 z***@example.com.cn"


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32), st.text(max_size=20), st.text(max_size=20))
def test_no_valid_id_or_mobile_survives(seed, before, after):
    rng = random.Random(seed)
    number = make_id(rng)
    mobile = f"1{rng.choice('3456789')}{rng.randint(0, 10**9 - 1):09d}"
    masked = mask(f"{before}{number}{after} {mobile}")
    assert number[:14] not in masked
    assert mobile not in masked


@given(
    seed=st.integers(0, 10**6),
    separator=st.sampled_from(["-", "—", "–", ".", "·", "/", "_", " ", "－", "，"]),
)
@settings(max_examples=200, deadline=None)
def test_numbers_split_by_any_separator_are_masked(seed, separator):
    rng = random.Random(seed)
    number = make_id(rng)
    mobile = f"1{rng.choice('3456789')}{rng.randint(0, 10**9 - 1):09d}"
    typed_id = separator.join([number[:6], number[6:14], number[14:]])
    typed_mobile = separator.join([mobile[:3], mobile[3:7], mobile[7:]])
    masked = mask(f"身份证{typed_id}，电话{typed_mobile}")
    digits = "".join(ch for ch in masked if ch.isdigit())
    assert number[6:14] not in digits and mobile[3:7] not in masked


@pytest.mark.parametrize(
    "address", ["li.si(at)example.com", "li.si [at] example.com", "li.si at example.com"]
)
def test_an_e_mail_with_at_spelt_out_is_masked(address):
    masked = mask(f"我的邮箱 {address} 谢谢")
    assert "li.si" not in masked and "example.com" in masked
