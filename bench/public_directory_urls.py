"""URLconf of the benchmark server: the project's URLs plus the bare baseline view."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone

from institutions.models import GradeRating
from institutions.public import PAGE_SIZE, directory_queryset, first_level_regions
from supervision.core.models import Region, RegionLevel
from supervision.urls import urlpatterns as project_urlpatterns


def raw_directory(request: HttpRequest) -> JsonResponse:
    """The same SQL as /public/institutions/ — region resolution, the region lists of the
    picker, COUNT(*), the page of rows and their grades — executed as is, the rows returned unrendered
    (no model instances, no row dicts, no template)."""
    qs, _fs, region_path = directory_queryset(request.GET)
    chosen = {r.level: r for r in region_path}
    cities = list(first_level_regions().values_list("pk", "code", "name"))
    regions: list[list] = [cities]
    county = chosen.get(RegionLevel.COUNTY)
    # as the page: the first-level region is the chosen county's parent, else the one chosen
    top = county.parent_id if county else next((r.pk for r in region_path if r.level < 3), None)
    if top or len(cities) == 1:
        parent = top or cities[0][0]
        regions.append(list(Region.objects.filter(parent_id=parent, level=3).values_list("code", "name")))
    if county:
        regions.append(list(Region.objects.filter(parent_id=county.pk, level=4).values_list("code", "name")))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    sql, params = page.object_list.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    grades = list(  # the same grade query as institutions.public.attach_grades
        GradeRating.objects.filter(
            institution_id__in=[r[0] for r in rows], valid_until__gte=timezone.localdate()
        )
        .order_by("institution_id", "-rated_on", "-pk")
        .values_list("institution_id", "level")
    )
    return JsonResponse(
        {"count": page.paginator.count, "rows": rows, "grades": grades, "regions": regions},
        encoder=DjangoJSONEncoder,
    )


urlpatterns = [path("bench/raw-directory/", raw_directory), *project_urlpatterns]
