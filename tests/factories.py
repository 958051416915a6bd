"""factory_boy factories for the domain models. Regions here are test-made, not the registry."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from kotacerdas.accounts.models import Role, User
from kotacerdas.regions.models import (
    Cohort,
    CohortMember,
    Contact,
    Membership,
    Network,
    Province,
    Region,
    RegionHead,
)
from kotacerdas.textsearch import strip_region_prefix


class ProvinceFactory(DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = "53"
    name = "Nusa Tenggara Timur"
    capital = "Kupang"
    timezone = "Asia/Makassar"


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    province = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: f"53.{n + 1:02d}")
    name = factory.Sequence(lambda n: f"Kabupaten Contoh {n + 1}")
    kind = factory.LazyAttribute(lambda o: "kota" if o.name.startswith("Kota") else "kabupaten")
    search_name = factory.LazyAttribute(lambda o: strip_region_prefix(o.name))
    timezone = "Asia/Makassar"
    population = 100_000


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    role = Role.OFFICER
    region = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role == Role.OFFICER),
        yes_declaration=factory.SubFactory(RegionFactory),
        no_declaration=None,
    )
    is_staff = factory.LazyAttribute(lambda o: o.role != Role.OFFICER)
    is_superuser = factory.LazyAttribute(lambda o: o.role == Role.ADMIN)
    password = factory.django.Password("correct-horse-battery")


class NetworkFactory(DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ("slug",)

    slug = "citynet-indonesia"
    name = "CityNet Indonesia"
    is_demo = True


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    region = factory.SubFactory(RegionFactory)
    role = Membership.Role.MEMBER
    joined_on = dt.date(2019, 1, 1)
    is_demo = True


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort
        django_get_or_create = ("slug",)

    slug = "gm100sc-2019"
    programme = "Gerakan Menuju 100 Smart City"
    year = 2019
    name = "Gerakan Menuju 100 Smart City 2019"
    is_demo = True


class CohortMemberFactory(DjangoModelFactory):
    class Meta:
        model = CohortMember

    cohort = factory.SubFactory(CohortFactory)
    region = factory.SubFactory(RegionFactory)
    is_demo = True


class RegionHeadFactory(DjangoModelFactory):
    class Meta:
        model = RegionHead

    region = factory.SubFactory(RegionFactory)
    title = RegionHead.Title.BUPATI
    name = "Nama Contoh"
    term_start = dt.date(2021, 2, 26)
    is_demo = True


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    region = factory.SubFactory(RegionFactory)
    name = "Petugas Contoh"
    agency = "Diskominfo"
    email = "kontak@example.org"
