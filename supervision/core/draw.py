"""The verifiable random draw: one pure function shared by the services and the public re-run pages.
(the double-random inspection draw and the quarterly subsidy spot checks of ``funds``).

Algorithm ``hmac-es-v1`` (documented here because the public page promises anyone can
re-implement it):

1. Commit: a 32-byte seed from ``secrets`` is generated; ``sha256(seed_hex)`` is published with
   the frozen inputs *before* the draw runs. The seed is revealed afterwards.
2. Inputs (JSON, published): ``ratio`` (decimal string), ``team_size``, ``max_per_inspector``
   (0 = no cap), ``institutions`` = sorted list of ``{"code", "weight", "uncapped"}``,
   ``inspectors`` = sorted list of opaque inspector codes, ``exclusions`` = map institution
   code → inspector codes that must recuse.
3. Institutions: every ``uncapped`` one is drawn. From the others
   ``n = ceil(ratio × count)`` are drawn by weighted sampling without replacement
   (Efraimidis–Spirakis): for each institution ``u = (int(HMAC-SHA256(seed, "inst|" + code)[:8]) >> 11
   + 0.5) / 2^53`` is uniform in (0, 1) and its key is ``u^(1/w)``, compared as
   ``ln(u) / w``; the n largest keys win (ties broken by code). Probability of inclusion grows
   with the weight exactly as sequential weighted sampling would.
   Stratified variant ``hmac-es-strata-v1`` (when the inputs carry a non-empty
   ``class_ratios`` = risk class → ratio): the non-uncapped institutions are split by their
   ``risk`` field (missing = ``low``) and step 3 runs once per class with
   ``n_c = ceil(ratio_c × count_c)`` (``ratio`` for a class not listed), same keys. So a plan can
   fix "high risk 50 %, medium 30 %, low 10 %" exactly instead of in expectation.
4. Inspectors: drawn institutions are staffed in code order. For each, candidate indexes
   ``HMAC-SHA256(seed, "insp|" + code + "|" + k)`` mod M for k = 0, 1, 2 … are walked; an
   inspector is skipped if excluded for that institution, already in the team, or at the cap.
   After 64·M tries (or when no candidate is left) the team is recorded as short. For a
   joint plan ``groups`` (department code → inspector codes) first draws one member of each
   department with the walk label ``"insp|" + code + "|" + department``.
5. Result: ``{"algorithm", "drawn": [{"code", "team": [...]}], "short": [codes]}``, sorted by code.

No Python ``random`` state is used: the result depends only on the seed bytes and the inputs,
so it is identical on every platform and Python version.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import json
import math
from collections.abc import Mapping
from decimal import ROUND_CEILING, Decimal
from typing import Any

ALGORITHM = "hmac-es-v1"
ALGORITHM_STRATIFIED = "hmac-es-strata-v1"
_TWO_53 = float(1 << 53)


def seed_hash(seed_hex: str) -> str:
    """The published commitment: sha256 over the seed's hex text (ASCII)."""
    return hashlib.sha256(seed_hex.encode("ascii")).hexdigest()


def _uniform(key: bytes, message: str) -> float:
    digest = hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()
    return ((int.from_bytes(digest[:8], "big") >> 11) + 0.5) / _TWO_53


def sample_size(ratio: str | Decimal, population: int) -> int:
    """ceil(ratio × population), computed in decimal so that 0.2 × 10 is exactly 2."""
    r = Decimal(str(ratio))
    if r <= 0 or population <= 0:
        return 0
    return min(population, int((r * population).to_integral_value(rounding=ROUND_CEILING)))


def _weighted_sample(key: bytes, pool: list[Mapping[str, Any]], n: int) -> list[str]:
    """Efraimidis–Spirakis: the ``n`` codes of ``pool`` with the largest ln(u)/weight."""

    def entries():
        for inst in pool:
            weight = float(Decimal(str(inst.get("weight", "1"))))
            if weight <= 0:
                continue
            u = _uniform(key, "inst|" + inst["code"])
            yield (math.log(u) / weight, inst["code"])

    # Largest key wins; on equal keys the smaller code wins (deterministic tie-break).
    return [code for _, code in heapq.nlargest(n, entries(), key=lambda e: (e[0], _Desc(e[1])))]


def draw_institutions(
    seed_hex: str,
    institutions: list[Mapping[str, Any]],
    ratio: str,
    class_ratios: Mapping[str, Any] | None = None,
) -> list[str]:
    """Step 3: the codes of the drawn institutions, sorted. With ``class_ratios`` each risk
    class is its own stratum with its own ratio (classes not listed use ``ratio``)."""
    key = bytes.fromhex(seed_hex)
    uncapped = [i["code"] for i in institutions if i.get("uncapped")]
    pool = [i for i in institutions if not i.get("uncapped")]
    chosen: list[str] = []
    if class_ratios:
        strata: dict[str, list[Mapping[str, Any]]] = {}
        for inst in pool:
            strata.setdefault(str(inst.get("risk") or "low"), []).append(inst)
        for cls, members in sorted(strata.items()):
            n = sample_size(str(class_ratios.get(cls, ratio)), len(members))
            chosen.extend(_weighted_sample(key, members, n))
    else:
        chosen = _weighted_sample(key, pool, sample_size(ratio, len(pool)))
    return sorted({*uncapped, *chosen})


class _Desc:
    """Reverse ordering of strings, so that on equal keys the smaller code wins in nlargest."""

    __slots__ = ("s",)

    def __init__(self, s: str) -> None:
        self.s = s

    def __lt__(self, other: _Desc) -> bool:
        return self.s > other.s

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and self.s == other.s

    def __hash__(self) -> int:
        return hash(self.s)


def _walk(
    key: bytes,
    label: str,
    pool: list[str],
    pool_set: frozenset[str],
    team: list[str],
    want: int,
    banned: set[str],
    capped: set[str],
) -> None:
    """Append up to ``want`` members of ``pool`` by walking HMAC-derived indexes, skipping the
    banned, those already in the team and those at the load cap. O(|banned| + |capped|) set-up,
    so a 20,000-strong pool costs nothing per institution."""
    m = len(pool)
    if m == 0 or want <= 0:
        return
    blocked = len(capped & pool_set) + sum(1 for c in banned | set(team) if c in pool_set and c not in capped)
    target = len(team) + min(want, len(pool_set) - blocked)
    k = 0
    while len(team) < target and k < 64 * m:
        digest = hmac.new(key, f"{label}|{k}".encode(), hashlib.sha256).digest()
        candidate = pool[int.from_bytes(digest[:8], "big") % m]
        k += 1
        if candidate in banned or candidate in team or candidate in capped:
            continue
        team.append(candidate)


def assign_teams(
    seed_hex: str,
    drawn: list[str],
    inspectors: list[str],
    exclusions: Mapping[str, list[str]],
    team_size: int,
    max_per_inspector: int = 0,
    groups: Mapping[str, list[str]] | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Step 4: a team of ``team_size`` inspectors per drawn institution, respecting recusal.
    With ``groups`` (joint plans: department code → inspector codes) one member of each group
    is drawn first (walk label ``insp|code|group``), then the team is filled from the whole
    pool (label ``insp|code``)."""
    key = bytes.fromhex(seed_hex)
    load: dict[str, int] = {}
    capped: set[str] = set()
    out: list[dict[str, Any]] = []
    short: list[str] = []
    everyone = frozenset(inspectors)
    group_items = [
        (name, list(members), frozenset(members)) for name, members in sorted((groups or {}).items())
    ]
    for code in drawn:
        banned = set(exclusions.get(code, ()))
        team: list[str] = []
        for name, members, member_set in group_items:
            _walk(key, f"insp|{code}|{name}", members, member_set, team, 1, banned, capped)
        _walk(key, f"insp|{code}", inspectors, everyone, team, team_size - len(team), banned, capped)
        for c in team:
            load[c] = load.get(c, 0) + 1
            if max_per_inspector and load[c] >= max_per_inspector:
                capped.add(c)
        if len(team) < max(team_size, len(group_items)):
            short.append(code)
        out.append({"code": code, "team": team})
    return out, short


def run_draw(seed_hex: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The whole draw from the seed and the published inputs (pure, deterministic)."""
    class_ratios = inputs.get("class_ratios") or None
    drawn = draw_institutions(seed_hex, list(inputs["institutions"]), str(inputs["ratio"]), class_ratios)
    teams, short = assign_teams(
        seed_hex,
        drawn,
        list(inputs.get("inspectors", [])),
        inputs.get("exclusions", {}),
        int(inputs.get("team_size", 2)),
        int(inputs.get("max_per_inspector", 0) or 0),
        inputs.get("groups") or None,
    )
    algorithm = ALGORITHM_STRATIFIED if class_ratios else ALGORITHM
    return {"algorithm": algorithm, "drawn": teams, "short": short}


def algorithm_of(inputs: Mapping[str, Any]) -> str:
    """The algorithm a draw with these inputs runs (published next to the inputs)."""
    return ALGORITHM_STRATIFIED if inputs.get("class_ratios") else ALGORITHM


def canonical_json(data: Any) -> str:
    """The byte-stable form of inputs/results used for hashing and download."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(data: Any) -> str:
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()
