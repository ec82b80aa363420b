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
