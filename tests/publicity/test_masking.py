from __future__ import annotations

from supervision.publicity.masking import find_personal_data, mask_id, mask_name, mask_phone, scrub


def test_masks():
    assert mask_name("张三丰") == "张**" and mask_name("李四") == "李*" and mask_name("") == ""
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0635-6212345") == "********2345"
    assert mask_id("37152119800101123X") == "3715**********123X"


def test_scrub_and_finder():
    text = "投诉人 13812345678，身份证 37152119800101123X，机构代码 52371521MJD123456X"
    assert len(find_personal_data(text, allow=("52371521MJD123456X",))) == 2
    assert find_personal_data(scrub(text)) == []


def test_numbers_glued_to_chinese_text_are_found_and_masked():
    # No space between the CJK text and the number: ``\b`` finds no boundary there.
    text = "投诉人电话13812345678，身份证37152119800101123X。"
    assert find_personal_data(text) == ["37152119800101123X", "13812345678"]
    assert scrub(text) == "投诉人电话138****5678，身份证3715**********123X。"


def test_codes_and_hashes_are_not_personal_data():
    # A mobile-shaped or ID-shaped run inside a credit code, a hash or a longer number is not one.
    text = "52371521MJ1381234567 a1381234567800b 3715211980010112345"
    assert find_personal_data(text) == []
