"""Sections other apps add to the county administration home (the ground floor imports none of
them): ``register_section("inspectors", "执法检查人员", "inspections:inspector_admin", "…")``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url_name: str
    description: str


_sections: dict[str, Section] = {}


def register_section(key: str, label: str, url_name: str, description: str = "") -> None:
    _sections[key] = Section(key, label, url_name, description)


def sections() -> list[Section]:
    return list(_sections.values())
