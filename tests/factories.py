"""Factories shared by every test module (factory_boy)."""

from __future__ import annotations

import factory

from supervision.core.models import Assignment, Department, Domain, Region, Remit, Role, User

TEST_PASSWORD = "Correct-Horse-2026!"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"99{n:04d}000000")
    name = factory.Sequence(lambda n: f"测试区{n}")
    level = 3


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"domain{n}")
    name = factory.Sequence(lambda n: f"领域{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"部门{n}")


class RemitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Remit

    department = factory.SubFactory(DepartmentFactory)
    domain = factory.SubFactory(DomainFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    region = factory.SubFactory(RegionFactory)
    role = Role.INSPECTOR
