"""Public directory and disclosure pages of institutions (no login), with open data.

* ``/public/institutions/``: the directory, with search (name, credit code, address), filters
  (region subtree down to township, kind, nature, grade, beds range, public status), sorting
  and pagination; ``export.csv`` and ``export.json`` honour the same parameters and carry the
  same rows as the page (``DIRECTORY_COLUMNS`` is the one allow-list, documented at
  ``data/`` and as JSON Schema at ``schema.json``).
* ``/public/institutions/<credit code>/``: the disclosure page (000 (九)(十一), 001 (十一)):
  basic information, service items, fee standards, complaint phone, beds, grade, the published
  filing commitment, plus sections that higher floors (inspections, rectification, credit)
  contribute through ``register_public_detail_section`` — this app never imports them.

Privacy: only allow-listed fields leave the server. Natural persons are masked (surname only),
phone fields holding a mobile number are masked (it is usually someone's personal phone) and
free-text fields are scrubbed of anything shaped like an ID number or a mobile number.
Unregistered "black" institutions (未登记) are never listed: what the public learns of them
comes through published inspection results and penalties of the other apps.

Infrastructure (not business logic): every view goes through publicity's ``public_page``
(throttled per client address; anonymous GETs cached under one version key, a hit runs no
query); signal receivers below bump that version whenever an Institution, Filing or
GradeRating is saved or deleted."""

from .cache import _on_change
from .common import (
    PAGE_SIZE,
    PUBLIC_DETAIL_STATUSES,
    PUBLIC_LIST_STATUSES,
    PUBLIC_STATUSES,
    S,
    mask_phone,
    scrub_text,
)
from .directory import (
    COLUMN_KEYS,
    DIRECTORY_COLUMNS,
    PUBLIC_STATUS_CHOICES,
    SORTS,
    PublicDirectoryFilter,
    _in_chunks,
    attach_grades,
    directory_base_queryset,
    directory_queryset,
    directory_row,
    json_schema,
    region_path,
    sort_key,
)
from .feed import _register_with_publicity, directory_changes
from .pages import (
    _Echo,
    _export_rows,
    _querystring,
    _refusal,
    _Refused,
    data_page,
    directory,
    directory_csv,
    directory_json,
    first_level_regions,
    institution_disclosure,
    institution_public,
    region_picker,
    region_picker_context,
    schema,
)
from .sections import _DETAIL_SECTIONS, DetailSection, detail_sections, register_public_detail_section

__all__ = [
    "COLUMN_KEYS",
    "DIRECTORY_COLUMNS",
    "PAGE_SIZE",
    "PUBLIC_DETAIL_STATUSES",
    "PUBLIC_LIST_STATUSES",
    "PUBLIC_STATUSES",
    "PUBLIC_STATUS_CHOICES",
    "SORTS",
    "_DETAIL_SECTIONS",
    "DetailSection",
    "PublicDirectoryFilter",
    "S",
    "_Echo",
    "_Refused",
    "_export_rows",
    "_in_chunks",
    "_on_change",
    "_querystring",
    "_refusal",
    "_register_with_publicity",
    "attach_grades",
    "data_page",
    "detail_sections",
    "directory",
    "directory_base_queryset",
    "directory_changes",
    "directory_csv",
    "directory_json",
    "directory_queryset",
    "directory_row",
    "first_level_regions",
    "institution_disclosure",
    "institution_public",
    "json_schema",
    "mask_phone",
    "region_path",
    "region_picker",
    "region_picker_context",
    "register_public_detail_section",
    "schema",
    "scrub_text",
    "sort_key",
]
