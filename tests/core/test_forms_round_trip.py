"""Every form survives being saved unchanged as a browser submits it.

A browser shows an ``<input type="date">`` whose value is not ``YYYY-MM-DD`` as empty and
submits it empty (``datetime-local``: ``YYYY-MM-DDTHH:MM``), so a widget that renders the
zh-hans format (``2015/01/01``) erases the date of whatever is saved unchanged.

The tests find the forms themselves: every ``django.forms`` form class and every FilterSet
defined in the portal's apps. Each form is built from the demo data (a ModelForm once per object
of its model, a plain form with every date field given a value), rendered, read back as a
browser reads it and posted back unchanged: a ModelForm must be valid and leave its object as it
was, every other form must give back the dates it showed. A form the enumeration cannot build
fails the test by name until it is built here or exempted with a reason."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import django_filters
import pytest
from django import forms
from django.db import models
from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from supervision.core.widgets import IsoDateInput, IsoDateTimeInput

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("supervision", "institutions", "credit", "inspections", "funds")
# Modules that define no forms and must not be imported as a side effect.
SKIPPED_MODULES = re.compile(r"(\.migrations\.|\.data\.|^supervision\.(settings|wsgi|asgi)$)")

# The dates the tests give to every date field that has none (pinned: never today).
PINNED_DATE = dt.date(2015, 1, 1)
PINNED_DATETIME = dt.datetime(2015, 1, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
# At most this many objects of a ModelForm's model are round-tripped.
MAX_OBJECTS = 30

# Forms the enumeration does not build, each with the reason. Keep it short.
EXEMPT: dict[str, str] = {}


# --- enumeration ---------------------------------------------------------------------------


def project_modules() -> Iterator[str]:
    for app in PROJECT_APPS:
        try:
            package = importlib.import_module(app)
        except ModuleNotFoundError:
            continue
        yield app
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if not SKIPPED_MODULES.search(info.name):
                yield info.name


def project_classes(base: type) -> list[type]:
    """Every subclass of ``base`` defined in the portal's apps (each module imported first)."""
    for name in project_modules():
        importlib.import_module(name)
    found: dict[str, type] = {}
    todo: list[type] = list(base.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in PROJECT_APPS:
            found[qualname(cls)] = cls
    return [found[k] for k in sorted(found)]


def qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def form_classes() -> list[type[Any]]:
    return project_classes(forms.BaseForm)


def filterset_classes() -> list[type[django_filters.FilterSet]]:
    return project_classes(django_filters.FilterSet)


# --- the ISO widget on every date field ---------------------------------------------------


def widget_problem(where: str, name: str, formfield: forms.Field) -> str | None:
    """A date or date-time field (or widget) that does not render ISO."""
    widgets = (
        formfield.widget.widgets if isinstance(formfield.widget, forms.MultiWidget) else [formfield.widget]
    )
    for widget in widgets:
        if isinstance(formfield, forms.DateTimeField) or isinstance(widget, forms.DateTimeInput):
            wanted: type = IsoDateTimeInput
        elif isinstance(formfield, forms.DateField) or isinstance(
            widget, (forms.DateInput, forms.SelectDateWidget)
        ):
            wanted = IsoDateInput
        else:
            continue
        if not isinstance(widget, wanted):
            return f"{where}.{name}: {type(widget).__name__}, not {wanted.__name__}"
    return None


def test_every_date_field_of_every_form_and_filter_renders_iso():
    classes = form_classes()
    assert len(classes) >= 40, [qualname(c) for c in classes]  # the enumeration finds the forms
    problems = [
        problem
        for cls in classes
        for name, formfield in cls.base_fields.items()
        if (problem := widget_problem(qualname(cls), name, formfield))
    ]
    filtersets = filterset_classes()
    assert len(filtersets) >= 15, [qualname(c) for c in filtersets]
    for cls in filtersets:
        if cls._meta.model is None:
            continue
        filterset = cls(queryset=cls._meta.model._default_manager.none())
        for name, formfield in filterset.form.fields.items():
            if problem := widget_problem(qualname(cls), name, formfield):
                problems.append(problem)
    assert not problems, "date fields without the ISO widget (supervision.core.widgets):\n" + "\n".join(
        problems
    )


def test_the_iso_widgets_render_iso_whatever_the_locale():
    field = forms.DateField(widget=IsoDateInput)
    html = field.widget.render("d", PINNED_DATE)
    assert 'type="date"' in html and 'value="2015-01-01"' in html
    moment = forms.DateTimeField(widget=IsoDateTimeInput)
    html = moment.widget.render("t", moment.prepare_value(PINNED_DATETIME))
    assert 'type="datetime-local"' in html and 'value="2015-01-01T09:30"' in html
    # What the browser sends back is what the fields read.
    assert field.clean("2015-01-01") == PINNED_DATE
    assert moment.clean("2015-01-01T09:30") == PINNED_DATETIME


# --- reading a form as a browser does -----------------------------------------------------

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$")
FLOAT = re.compile(r"^-?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?$")
NOT_SUBMITTED = {"submit", "button", "reset", "image", "file"}


def sanitise(kind: str, value: str) -> str:
    """The HTML value sanitisation algorithm for the input types the portal uses: a value the
    browser cannot show is shown and submitted empty."""
    if kind == "date":
        try:
            return value if ISO_DATE.match(value) and dt.date.fromisoformat(value) else ""
        except ValueError:
            return ""
    if kind == "datetime-local":
        return value if ISO_DATETIME_LOCAL.match(value) else ""
    if kind in ("number", "range"):
        return value if FLOAT.match(value) else ""
    return value.replace("\r", "").replace("\n", "")


@dataclass
class ParsedForm:
    attrs: dict[str, str | None]
    entries: list[tuple[str, str]] = field(default_factory=list)

    def data(self) -> QueryDict:
        data = QueryDict(mutable=True)
        for name, value in self.entries:
            data.appendlist(name, value)
        return data


class BrowserReader(HTMLParser):
    """The entries an unchanged form submits (WHATWG "constructing the entry list"): checked
    checkboxes and radios only, a select's selected options (a single select without one sends
    its first option), a textarea's text without the newline that follows its start tag,
    sanitised input values. Controls outside a ``<form>`` are ignored. The one departure: a
    browser sends a textarea's line breaks as CRLF, which this reader leaves as they are."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[ParsedForm] = []
        self._form: ParsedForm | None = None
        self._select: dict[str, Any] | None = None
        self._option: dict[str, Any] | None = None
        self._textarea: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._form = ParsedForm(a)
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            name = a.get("name")
            if not name or "disabled" in a or kind in NOT_SUBMITTED:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.entries.append((name, a.get("value") or "on"))
                return
            self._form.entries.append((name, sanitise(kind, a.get("value") or "")))
        elif tag == "select":
            self._select = {"attrs": a, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"attrs": a, "text": ""}
            self._select["options"].append(self._option)
        elif tag == "textarea":
            self._textarea = {"attrs": a, "text": ""}

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea["text"] += data
        elif self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            self._close_select(self._select)
            self._select = self._option = None
        elif tag == "textarea" and self._textarea is not None:
            a, text = self._textarea["attrs"], self._textarea["text"]
            if self._form is not None and a.get("name") and "disabled" not in a:
                self._form.entries.append((a["name"], text[1:] if text.startswith("\n") else text))
            self._textarea = None

    def _close_select(self, select: dict[str, Any]) -> None:
        a = select["attrs"]
        if self._form is None or not a.get("name") or "disabled" in a:
            return
        options = [o for o in select["options"] if "disabled" not in o["attrs"]]
        chosen = [o for o in options if "selected" in o["attrs"]]
        if "multiple" not in a:
            chosen = chosen[-1:] or options[:1]
        for option in chosen:
            value = option["attrs"].get("value")
            if value is None:
                value = " ".join(option["text"].split())
            self._form.entries.append((a["name"], value))


def read_forms(html: str) -> list[ParsedForm]:
    reader = BrowserReader()
    reader.feed(html)
    reader.close()
    return reader.forms


def resubmitted(form: forms.BaseForm) -> QueryDict:
    """What a browser posts back when the rendered ``form`` is submitted unchanged."""
    (parsed,) = read_forms(f"<form>{form.render()}</form>")
    return parsed.data()


def test_the_reader_reads_a_form_as_a_browser_does():
    html = """<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="t">
    <input type="date" name="zh" value="2015/01/01"><input type="date" name="iso" value="2015-01-01">
    <input type="datetime-local" name="at" value="2015-01-01 09:30">
    <input type="datetime-local" name="at_iso" value="2015-01-01T09:30">
    <input type="checkbox" name="off"><input type="checkbox" name="on" checked>
    <select name="single"><option value="">—</option><option value="b" selected>B</option></select>
    <select name="first"><option value="a">A</option><option value="b">B</option></select>
    <select name="many" multiple><option value="1" selected>1</option><option value="2">2</option>
    <option value="3" selected>3</option></select>
    <textarea name="text">\nfirst line\n&lt;second&gt;</textarea>
    <input name="disabled" value="x" disabled><input type="submit" name="go" value="go"></form>
    <input name="outside" value="x">"""
    (parsed,) = read_forms(html)
    assert parsed.entries == [
        ("csrfmiddlewaretoken", "t"),
        ("zh", ""),
        ("iso", "2015-01-01"),
        ("at", ""),
        ("at_iso", "2015-01-01T09:30"),
        ("on", "on"),
        ("single", "b"),
        ("first", "a"),
        ("many", "1"),
        ("many", "3"),
        ("text", "first line\n<second>"),
    ]


# --- building every form from the demo data -----------------------------------------------


class CannotBuild(Exception):
    pass


def _first(model: type[models.Model], **filters: Any) -> Any:
    obj = model._default_manager.filter(**filters).order_by("pk").first()
    if obj is None:
        raise CannotBuild(f"no {model.__name__} in the demo data")
    return obj


def _user() -> Any:
    from supervision.core.models import User

    return User.objects.filter(is_superuser=True).order_by("pk").first() or _first(User)


def _institution() -> Any:
    from institutions.models import Institution, Staff

    staff = Staff.objects.filter(left_on__isnull=True).order_by("pk").first()
    return staff.institution if staff else _first(Institution)


def _notice_item() -> Any:
    from inspections.rectification.models import NoticeItem

    return _first(NoticeItem)


def _complaint() -> Any:
    from inspections.complaints.models import Complaint

    return _first(Complaint)


def _inspection() -> Any:
    from inspections.models import Inspection

    return _first(Inspection)


def _records() -> Any:
    from credit.models import CreditRecord

    return list(CreditRecord.objects.order_by("pk")[:5])


def _domain() -> Any:
    from supervision.core.models import Domain

    return _first(Domain)


def _campaign() -> Any:
    from supervision.campaigns.models import Campaign

    return _first(Campaign)


# Keyword arguments of form constructors, by name, as the views pass them.
PROVIDERS: dict[str, Callable[[], Any]] = {
    "user": _user,
    "institution": _institution,
    "item": _notice_item,
    "complaint": _complaint,
    "inspection": _inspection,
    "records": _records,
    "domain": _domain,
    "campaign": _campaign,
}
# Constructors whose arguments are not objects of the demo data.
EXTRA_KWARGS: dict[str, Callable[[], dict[str, Any]]] = {
    "institutions.reconciliation.forms.MappingForm": lambda: {
        "headers": ["机构名称", "统一社会信用代码", "地址"],
        "initial_mapping": {"name": "机构名称"},
    },
}


def constructor_kwargs(cls: type[Any]) -> dict[str, Any]:
    """The arguments a view passes: every required keyword argument, and ``user`` if taken."""
    if qualname(cls) in EXTRA_KWARGS:
        return EXTRA_KWARGS[qualname(cls)]()
    kwargs: dict[str, Any] = {}
    for klass in cls.__mro__:
        if klass.__module__.split(".")[0] not in PROJECT_APPS or "__init__" not in vars(klass):
            continue
        for name, param in inspect.signature(vars(klass)["__init__"]).parameters.items():
            if name == "self" or name in kwargs or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            if param.default is inspect.Parameter.empty or name == "user":
                if name not in PROVIDERS:
                    raise CannotBuild(f"no provider for the argument {name!r}")
                kwargs[name] = PROVIDERS[name]()
    return kwargs


@dataclass
class Case:
    """One form to round-trip: its class, constructor arguments and (ModelForm) its object."""

    form_class: type[Any]
    kwargs: dict[str, Any]
    model: type[models.Model] | None = None
    pk: Any = None

    @property
    def label(self) -> str:
        return qualname(self.form_class) + (f"[{self.model.__name__} pk={self.pk}]" if self.model else "")

    def instance(self) -> Any:
        """A fresh copy of the object. When it has none of the dates the form edits, they are
        given pinned dates (in field order, so a start comes before its end): every date field
        is exercised at least on some objects."""
        assert self.model is not None
        obj = self.model._default_manager.get(pk=self.pk)
        dated = [
            f
            for f in edited_model_fields(self.form_class, self.model)
            if isinstance(f, (models.DateField, models.DateTimeField))
        ]
        if all(f.value_from_object(obj) is None for f in dated):
            for n, f in enumerate(dated):
                setattr(obj, f.attname, pinned(f, n))
        return obj


def pinned(f: Any, n: int = 0) -> Any:
    """The ``n``-th pinned date (or date-time) of a form, one day after the one before."""
    is_datetime = isinstance(f, (models.DateTimeField, forms.DateTimeField))
    return (PINNED_DATETIME if is_datetime else PINNED_DATE) + dt.timedelta(days=n)


def edited_model_fields(form_class: type[Any], model: type[models.Model]) -> list[Any]:
    names = set(form_class.base_fields)
    return [
        f
        for f in model._meta.get_fields()
        if f.name in names and getattr(f, "concrete", False) and not getattr(f, "auto_created", False)
    ]


def cases(cls: type[Any]) -> list[Case]:
    kwargs = constructor_kwargs(cls)
    if issubclass(cls, forms.BaseModelForm):
        model = cls._meta.model
        pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:MAX_OBJECTS])
        if not pks:
            raise CannotBuild(f"no {model.__name__} in the demo data")
        return [Case(cls, kwargs, model, pk) for pk in pks]
    return [Case(cls, kwargs)]


def date_fields(form: forms.BaseForm) -> dict[str, forms.Field]:
    return {n: f for n, f in form.fields.items() if isinstance(f, (forms.DateField, forms.DateTimeField))}


def same(a: Any, b: Any) -> bool:
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        # datetime-local carries minutes: a form cannot keep seconds, and need not.
        return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)
    return a == b


def round_trip(case: Case) -> list[str]:
    """Render, read back as a browser, post back unchanged; what came back different."""
    cls, obj = case.form_class, (case.instance() if case.model else None)
    model_fields = edited_model_fields(cls, case.model) if case.model else []
    backed = {f.name for f in model_fields}
    probe = cls(**case.kwargs)  # for the fields the constructor adds
    unbacked = [(n, f) for n, f in date_fields(probe).items() if n not in backed]
    initial = {n: pinned(f, i) for i, (n, f) in enumerate(unbacked)}
    extra: dict[str, Any] = {"instance": obj} if obj is not None else {}
    shown = cls(initial=initial, **extra, **case.kwargs)
    data = resubmitted(shown)
    again_extra: dict[str, Any] = {"instance": case.instance()} if obj is not None else {}
    again = cls(data=data, files=MultiValueDict(), initial=initial, **again_extra, **case.kwargs)
    valid = again.is_valid()
    # Fields the constructor adds (the declared ones are checked by the widget test).
    problems = [
        problem
        for n, f in shown.fields.items()
        if n not in cls.base_fields and (problem := widget_problem(case.label, n, f))
    ]
    dates = date_fields(shown)
    for name in dates:
        expected = initial[name] if name in initial else getattr(obj, name)
        got = again.cleaned_data.get(name) if name not in again.errors else None
        if not same(expected, got):
            sent = data.get(name)
            problems.append(
                f"{case.label}.{name}: showed {expected!r}, the browser sent {sent!r}, "
                f"the form read {got!r} {list(again.errors.get(name, []))}"
            )
    if obj is None:
        return problems
    if not valid:
        problems.append(f"{case.label}: invalid when saved unchanged: {again.errors.get_json_data()}")
        return problems
    for f in model_fields:
        if f.name in dates:
            continue  # compared above, with what the browser sent
        if f.many_to_many:
            before = {o.pk for o in f.value_from_object(obj)}
            after = {o.pk for o in again.cleaned_data.get(f.name) or []}
        else:
            before, after = f.value_from_object(obj), f.value_from_object(again.instance)
        if not same(before, after):
            problems.append(f"{case.label}.{f.name}: {before!r} became {after!r}")
    return problems


@pytest.fixture
def demo(demo_module, db):
    """The demo, seeded once for the module (``demo_module``); each test rolls back its writes."""


def test_every_form_saved_unchanged_keeps_its_values(demo):
    built, cannot, problems = 0, [], []
    for cls in form_classes():
        if qualname(cls) in EXEMPT:
            continue
        try:
            todo = cases(cls)
        except CannotBuild as exc:
            cannot.append(f"{qualname(cls)}: {exc}")
            continue
        for case in todo:
            built += 1
            problems += round_trip(case)
    assert not cannot, (
        "forms the round trip cannot build: give their constructor argument a provider or the "
        "model some demo data in tests/core/test_forms_round_trip.py (or, with a reason, add the "
        "form to EXEMPT):\n" + "\n".join(cannot)
    )
    assert built >= 40, built
    assert not problems, "forms that do not survive an unchanged save:\n" + "\n".join(problems)


def test_exemptions_name_real_forms():
    names = {qualname(c) for c in form_classes()}
    assert set(EXEMPT) <= names, set(EXEMPT) - names
    assert all(reason.strip() for reason in EXEMPT.values())


# --- the institution edit form and the filing form, through the pages ---------------------


def page_form(html: str) -> ParsedForm:
    """The page's main form: the one that posts back to the page itself."""
    candidates = [
        f
        for f in read_forms(html)
        if (f.attrs.get("method") or "").lower() == "post" and not f.attrs.get("action")
    ]
    assert len(candidates) == 1, [f.attrs for f in read_forms(html)]
    return candidates[0]


@pytest.fixture
def opened_home(world):
    from tests.institutions.factories import InstitutionFactory

    return InstitutionFactory(
        name="阳谷县福寿养老院",
        region=world.yanggu_town,
        opened_on=dt.date(2015, 1, 1),
        disclosure_updated_on=dt.date(2026, 3, 9),
    )


def test_institution_saved_unchanged_keeps_its_opening_date(world, client_for, opened_home):
    c = client_for(world.yanggu_mz)
    url = f"/institutions/{opened_home.pk}/edit/"
    form = page_form(c.get(url).content.decode())
    sent = form.data()
    assert sent["opened_on"] == "2015-01-01" and sent["disclosure_updated_on"] == "2026-03-09"
    response = c.post(url, sent)
    assert response.status_code == 302, response.content.decode()
    opened_home.refresh_from_db()
    assert opened_home.opened_on == dt.date(2015, 1, 1)
    assert opened_home.disclosure_updated_on == dt.date(2026, 3, 9)


def test_filing_form_shows_its_default_filing_date_in_iso(world, client_for, opened_home):
    # The default is today: the suite's pinned day (tests/conftest.py, TEST_NOW).
    body = client_for(world.yanggu_mz).get(f"/institutions/{opened_home.pk}/filing/").content.decode()
    assert page_form(body).data()["submitted_on"] == timezone.localdate().isoformat()
