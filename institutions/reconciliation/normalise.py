"""Name and address normalisation and the fuzzy matcher (rapidfuzz).

Rules, in order (``normalise_name``):
1. NFKC: full-width letters, digits, brackets and spaces become half-width (（ → ();
2. drop all whitespace and bracket characters — the words inside brackets stay
   (阳谷县福寿养老院（有限公司） → 阳谷县福寿养老院有限公司);
3. drop a trailing organisational form (有限责任公司, 股份有限公司, 有限公司, 普通合伙,
   有限合伙, 个人独资企业, 分公司 …);
4. drop leading names of the regions of the jurisdiction (阳谷县, 博济桥街道 …), so that two
   different homes in one county are not similar just because both start with the county;
5. split off the industry suffix (养老院, 敬老院, 养老中心, 老年公寓 …): the rest is the *core*.

Score (0–100) = ratio of the cores, minus ``SUFFIX_PENALTY`` when the industry suffixes differ
(养老院 vs 敬老院 is a common variant of the same home, but not proof); when both sides have an
address, the confidence is 75 % name + 25 % address ratio.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

AUTO_ACCEPT = 90.0  # at or above: matched without review
REVIEW = 75.0  # at or above (and below AUTO_ACCEPT): candidate goes to the review queue
SUFFIX_PENALTY = 5.0
CODE_CONFLICT_CAP = AUTO_ACCEPT - 0.1  # a candidate with another credit code always needs review

BRACKETS = re.compile(r"[\s()\[\]{}<>【】〔〕「」『』《》〈〉\"'“”‘’·・]+")
FORMS = re.compile(r"(?:有限责任公司|股份有限公司|有限公司|普通合伙|有限合伙|个人独资企业|分公司|分院|公司)$")
INDUSTRY = re.compile(
    r"(养老服务中心|养老服务站|养老服务有限|养老中心|养老院|敬老院|颐养院|颐养中心|老年公寓|护理院|福利院|"
    r"托老所|日间照料中心|幸福院|康养中心|养老服务)$"
)


def nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "")


def strip_regions(text: str, region_names: Iterable[str]) -> str:
    changed = True
    names = sorted({n for n in region_names if n}, key=len, reverse=True)
    while changed and text:
        changed = False
        for n in names:
            if text.startswith(n) and len(text) > len(n):
                text = text[len(n) :]
                changed = True
                break
    return text


def split_name(name: str, region_names: Iterable[str] = ()) -> tuple[str, str]:
    """(core, industry suffix) of a name after the normalisation rules above."""
    text = BRACKETS.sub("", nfkc(name))
    for _ in range(2):
        text = FORMS.sub("", text)
    text = strip_regions(text, region_names)
    m = INDUSTRY.search(text)
    if m and m.start() > 0:
        return text[: m.start()], m.group(1)
    return text, ""


def normalise_name(name: str, region_names: Iterable[str] = ()) -> str:
    core, suffix = split_name(name, region_names)
    return core + suffix


def normalise_address(address: str, region_names: Iterable[str] = ()) -> str:
    return strip_regions(BRACKETS.sub("", nfkc(address)), region_names)


@dataclass
class Candidate:
    pk: int
    core: str
    suffix: str
    address: str
    credit_code: str
    status: str
    region_id: int


@dataclass
class NameIndex:
    """Registry names per township (and a county-wide pool for rows without a township)."""

    region_names: list[str]
    by_region: dict[int, list[Candidate]] = field(default_factory=dict)
    everywhere: list[Candidate] = field(default_factory=list)

    def add(self, c: Candidate) -> None:
        self.by_region.setdefault(c.region_id, []).append(c)
        self.everywhere.append(c)

    def best(
        self, name: str, address: str, region_id: int | None, credit_code: str
    ) -> tuple[Candidate | None, float]:
        """The most similar registry institution and the confidence (0–100)."""
        pool = self.by_region.get(region_id, []) if region_id else self.everywhere
        if not pool:
            return None, 0.0
        core, suffix = split_name(name, self.region_names)
        addr = normalise_address(address, self.region_names)
        hits = process.extract(core, [c.core for c in pool], scorer=fuzz.ratio, limit=3, score_cutoff=50)
        best: Candidate | None = None
        best_score = 0.0
        for _, score, idx in hits:
            cand = pool[idx]
            s = float(score) - (SUFFIX_PENALTY if suffix != cand.suffix else 0.0)
            if addr and cand.address:
                s = 0.75 * s + 0.25 * fuzz.ratio(addr, cand.address)
            if cand.credit_code and credit_code and cand.credit_code != credit_code:
                s = min(s, CODE_CONFLICT_CAP)
            if s > best_score:
                best, best_score = cand, s
        return best, round(max(0.0, best_score), 1)
