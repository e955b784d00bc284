"""PreparedRead: the ORM's SQL compiled once, executed with new values, converted like a queryset."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from kesu.accounts.models import ApiToken, User
from kesu.accounts.roles import Role
from kesu.common.prepared import InsertChain, PreparedInsert, PreparedRead
from kesu.complaints import services
from kesu.complaints.models import Complaint, ComplaintEvent, Customer
from tests.complaints.factories import register

pytestmark = pytest.mark.django_db


def _customer(name, phone="", email=""):
    return Customer.objects.create(
        name=name, phone=phone, phone_normalized=phone, email=email, email_normalized=email
    )


def test_objects_match_what_the_queryset_returns():
    a = _customer("王丽", phone="13800001111")
    b = _customer("李强", email="li@example.cn")
    _customer("张敏", phone="13900002222")
    read = services._CUSTOMER_BY_PHONE_OR_EMAIL  # the read every API registration runs

    got = read.objects(phone="13800001111", email="li@example.cn")
    # Run again with other values: the SQL is reused, the values are not.
    again = read.objects(phone="13900002222", email="nobody@example.cn")

    assert [c.pk for c in got] == [a.pk, b.pk]
    expected = list(Customer.objects.filter(pk__in=[a.pk, b.pk]).order_by("pk"))
    for mine, theirs in zip(got, expected, strict=True):
        for f in Customer._meta.concrete_fields:
            assert getattr(mine, f.attname) == getattr(theirs, f.attname), f.attname
    assert [c.name for c in again] == ["张敏"]
    assert got[0]._state.adding is False and got[0]._state.db == "default"


def test_rows_apply_the_column_converters():
    user = User.objects.create_user("conv", password=None, role=Role.HANDLER)
    used = timezone.now() - dt.timedelta(hours=2)
    ApiToken.objects.create(user=user, name="t", key_hash="h" * 64, prefix="ks_x", last_used_at=used)
    read = PreparedRead(
        lambda key_hash, user_id: ApiToken.objects.filter(key_hash=key_hash, user_id=user_id).values_list(
            "last_used_at", "revoked", "user__is_active"
        ),
        key_hash=str,
        user_id=int,
    )

    assert read.rows(key_hash="h" * 64, user_id=user.pk) == [(used, False, True)]
    assert read.rows(key_hash="h" * 64, user_id=user.pk + 1) == []


def test_a_value_the_lookup_rewrites_is_refused_when_prepared():
    read = PreparedRead(
        lambda name: Customer.objects.filter(name__icontains=name).values_list("pk"), name=str
    )

    with pytest.raises(ValueError, match="name"):
        read.rows(name="王")


def test_parameters_must_be_the_declared_ones():
    read = PreparedRead(lambda name: Customer.objects.filter(name=name).values_list("pk"), name=str)

    with pytest.raises(TypeError):
        read.rows(nme="王")
    with pytest.raises(TypeError):
        PreparedRead(lambda day: Customer.objects.filter(created_at__date=day), day=dt.date)


def test_insert_writes_what_save_writes(handler):
    complaint = register(handler)
    at = timezone.now()
    by_orm = ComplaintEvent.objects.create(
        complaint=complaint, at=at, kind="note", message="<b>客户来电</b>", data={"n": 1, "词": ["a"]}
    )

    mine = PreparedInsert(ComplaintEvent).insert(
        ComplaintEvent(
            complaint=complaint, at=at, kind="note", message="<b>客户来电</b>", data={"n": 1, "词": ["a"]}
        )
    )

    assert mine.pk is not None and mine.pk != by_orm.pk
    assert mine._state.adding is False
    stored = ComplaintEvent.objects.get(pk=mine.pk)
    for f in ComplaintEvent._meta.concrete_fields:
        if f.attname != "id":
            assert getattr(stored, f.attname) == getattr(by_orm, f.attname), f.attname


def test_insert_fills_auto_now_add_and_defaults():
    c = PreparedInsert(Customer).insert(
        Customer(name="赵霞", phone="13700001234", phone_normalized="13700001234")
    )

    stored = Customer.objects.get(pk=c.pk)
    assert stored.created_at is not None and stored.created_at == c.created_at
    assert (stored.tier, stored.special_group, stored.email) == ("regular", "", "")


def _complaint_row(handler, number):
    from kesu.complaints import refcache

    return Complaint(
        number=number,
        channel="phone",
        category=refcache.category("logistics"),
        severity="low",
        title="快递未送达",
        description="客户说快递三天没有更新。",
        department=handler.department,
        registered_at=timezone.now(),
        registered_by=handler,
    )


def test_a_chain_writes_rows_that_reference_each_other(handler):
    customer = Customer(name="孙丽", phone="13600001111", phone_normalized="13600001111")
    complaint = _complaint_row(handler, "TS-20261123-9001")
    event = ComplaintEvent(at=timezone.now(), actor=handler, kind="registered", data={"via": "测试"})

    InsertChain().insert([customer, complaint, event], links={1: {"customer": 0}, 2: {"complaint": 1}})

    stored = Complaint.objects.select_related("customer").get(number="TS-20261123-9001")
    assert stored.pk == complaint.pk and stored.customer_id == customer.pk
    assert stored.customer.name == "孙丽"
    assert complaint.customer is customer and event.complaint is complaint
    assert ComplaintEvent.objects.get(pk=event.pk).data == {"via": "测试"}
    assert customer._state.adding is complaint._state.adding is event._state.adding is False


def test_a_chain_is_all_or_nothing(handler):
    taken = _complaint_row(handler, "TS-20261123-9002")
    taken.customer = _customer("吴敏", phone="13600003333")
    taken.save()
    before = Customer.objects.count()
    customer = Customer(name="周杰", phone="13600002222", phone_normalized="13600002222")

    with pytest.raises(IntegrityError), transaction.atomic():
        InsertChain().insert(
            [customer, _complaint_row(handler, "TS-20261123-9002")], links={1: {"customer": 0}}
        )

    assert Customer.objects.count() == before


def test_a_chain_refuses_a_link_to_a_later_row(handler):
    with pytest.raises(ValueError, match="before it"):
        InsertChain().insert(
            [_complaint_row(handler, "TS-1"), Customer(name="x")], links={0: {"customer": 1}}
        )


def test_an_expression_value_is_refused_not_written():
    from django.db.models import Value
    from django.db.models.functions import Upper

    c = Customer(name=Upper(Value("zheng")), phone="13600009999", phone_normalized="13600009999")

    with pytest.raises(TypeError, match="name"):
        PreparedInsert(Customer).insert(c)
    assert not Customer.objects.filter(phone_normalized="13600009999").exists()
