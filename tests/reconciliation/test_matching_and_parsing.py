"""Name normalisation, the confidence thresholds, the operating flag and the streaming readers."""

from __future__ import annotations

import pytest

from institutions.reconciliation.normalise import (
    AUTO_ACCEPT,
    REVIEW,
    Candidate,
    NameIndex,
    normalise_name,
    split_name,
)
from institutions.reconciliation.parsers import UnreadableFile, detect_encoding, open_table
from institutions.reconciliation.services import classify, guess_mapping, is_operating
from tests.reconciliation.conftest import write_csv, write_xlsx

REGIONS = ["山东省", "聊城市", "阳谷县", "博济桥街道"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("阳谷县福寿养老院（普通合伙）", "阳谷县福寿养老院"),
        ("阳谷县 福寿 养老院有限公司", "福寿养老院"),
        ("阳谷县博济桥街道【福寿】养老院有限责任公司", "阳谷县福寿养老院"),
        ("ＡＢＣ养老院", "ABC养老院"),  # full-width letters
    ],
)
def test_normalised_names_are_equal(a, b):
    assert normalise_name(a, REGIONS) == normalise_name(b, REGIONS)


def test_region_prefix_and_industry_suffix_are_split_off():
    assert split_name("阳谷县博济桥街道福寿敬老院", REGIONS) == ("福寿", "敬老院")


def _index() -> NameIndex:
    idx = NameIndex(REGIONS)
    for pk, name, code in [
        (1, "阳谷县福寿养老院", ""),
        (2, "阳谷县松鹤养老院", ""),
        (3, "阳谷县金色夕阳养老院", "X"),
    ]:
        core, suffix = split_name(name, REGIONS)
        idx.add(Candidate(pk, core, suffix, "振兴路1号", code, "unregistered", 10))
    return idx


def test_suffix_variant_is_above_the_auto_threshold():
    cand, score = _index().best("阳谷县福寿敬老院", "振兴路 1 号", 10, "C")
    assert cand.pk == 1 and score >= AUTO_ACCEPT


def test_similar_but_different_name_goes_to_review():
    cand, score = _index().best("阳谷县松鹤堂养老院", "振兴路 1 号", 10, "C")
    assert cand.pk == 2 and REVIEW <= score < AUTO_ACCEPT


def test_unrelated_name_is_below_review():
    _cand, score = _index().best("阳谷县红叶托老所", "人民路 9 号", 10, "C")
    assert score < REVIEW


def test_candidate_with_another_credit_code_always_needs_review():
    cand, score = _index().best("阳谷县金色夕阳养老院", "振兴路1号", 10, "C")
    assert cand.pk == 3 and REVIEW <= score < AUTO_ACCEPT


def test_other_township_is_not_a_candidate():
    cand, score = _index().best("阳谷县福寿养老院", "振兴路1号", 99, "C")
    assert cand is None and score == 0


@pytest.mark.parametrize(
    ("text", "operating"), [("是", True), ("", True), ("否", False), ("未开展", False), ("No", False)]
)
def test_operating_flag(text, operating):
    assert is_operating(text) is operating


def test_classification_table():
    assert classify("filed", True) == "filed"
    assert classify("filed", False) == "filed"
    assert classify("registered_not_filed", True) == "registered_not_filed"
    assert classify(None, True) == "registered_not_filed"
    assert classify(None, False) == "registered_not_operating"
    assert classify("terminated", True) == "registered_not_operating"


def test_guess_mapping_prefers_remembered_then_synonyms():
    headers = ["企业名称", "统一社会信用代码", "住所", "自定义"]
    assert guess_mapping(headers) == {
        "name": "企业名称",
        "credit_code": "统一社会信用代码",
        "address": "住所",
    }
    assert guess_mapping(headers, {"address": "自定义"})["address"] == "自定义"
    assert "region" not in guess_mapping(headers, {"region": "不在文件里"})


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_encodings_are_detected(tmp_path, encoding):
    path = write_csv(
        tmp_path / "a.csv", ["统一社会信用代码", "名称"], [["X", "阳谷县福寿养老院"]], encoding=encoding
    )
    assert detect_encoding(path) in ({"gb18030"} if encoding == "gb18030" else {"utf-8-sig"})
    with open_table(path) as table:
        assert table.headers == ["统一社会信用代码", "名称"]
        assert list(table.rows) == [(2, ["X", "阳谷县福寿养老院"])]


def test_xlsx_row_numbers_skip_blank_lines_and_keep_codes_as_text(tmp_path):
    path = write_xlsx(
        tmp_path / "a.xlsx", ["代码", "区划"], [["A", 371521100000], [None, None], ["B", 3.715211e11]]
    )
    with open_table(path) as table:
        assert list(table.rows) == [(2, ["A", "371521100000"]), (4, ["B", "371521100000"])]


def test_unreadable_files_are_refused_in_chinese(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(UnreadableFile, match="无法读取"), open_table(bad):
        pass
    with pytest.raises(UnreadableFile, match="仅支持"), open_table(tmp_path / "x.txt"):
        pass
