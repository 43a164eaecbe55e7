"""ORM010-ORM014: what the bad and fixed examples return, the SQL they send and how many
queries they take, on SQLite with the project's models."""

import datetime

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from conftest import example, load

pytestmark = pytest.mark.django_db
START = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)


def queries(call, *args):
    """(result, [SQL of each query])."""
    with CaptureQueriesContext(connection) as captured:
        result = call(*args)
    return result, [q["sql"] for q in captured.captured_queries]


def test_orm010_the_discarded_filter_has_no_effect():
    from apps.blog.models import Post

    for n in range(4):
        Post.objects.create(title=f"post {n}", published=n % 2 == 0, created=START + datetime.timedelta(days=n))
    request = RequestFactory().get("/?order=new")
    bad = load(example("ORM010", "bad"), "ORM010 bad").published_posts(request)
    fixed = load(example("ORM010", "fixed"), "ORM010 fixed").published_posts(request)
    assert [p.title for p in bad] == ["post 0", "post 1", "post 2", "post 3"]  # all, unordered
    assert "WHERE" not in str(bad.query) and "ORDER BY" not in str(bad.query)
    assert [p.title for p in fixed] == ["post 2", "post 0"]  # published, newest first


def comment_form_calls(kind):
    from django.contrib.auth.models import User

    from apps.blog.models import Comment, Post

    user = User.objects.create(username=f"reader-{kind}")
    post = Post.objects.create(title="post")
    Comment.objects.create(post=post, created=START, approved=False)
    module = load(example("ORM011", kind), f"ORM011 {kind}")
    calls = []
    module.notify_moderators = lambda post: calls.append("notify_moderators")
    module.show_welcome = lambda request: calls.append("show_welcome")
    request = RequestFactory().get("/")
    request.user = user
    answers, sql = [], []
    for call, args in ((module.has_comments, (post,)), (module.comment_form, (request, post)),
                       (module.has_comments, (Post.objects.create(title="empty"),))):
        answer, ran = queries(call, *args)
        answers.append(answer)
        sql += ran
    return answers, calls, sql


def test_orm011_count_and_exists_answer_alike_with_different_sql():
    bad_answers, bad_calls, bad_sql = comment_form_calls("bad")
    fixed_answers, fixed_calls, fixed_sql = comment_form_calls("fixed")
    assert bad_answers == fixed_answers == [True, None, False]
    assert bad_calls == fixed_calls == ["notify_moderators", "show_welcome"]
    assert len(bad_sql) == len(fixed_sql) == 4
    # count() counts every matching row; exists() asks for one and stops.
    assert all("COUNT(*)" in sql and "LIMIT" not in sql for sql in bad_sql)
    assert all("COUNT" not in sql and sql.endswith("LIMIT 1") for sql in fixed_sql)


def test_orm012_len_and_truth_load_every_row():
    from apps.blog.models import Order

    today = datetime.date(2024, 6, 1)
    for n in range(12):
        Order.objects.create(status="open" if n < 10 else "paid", due=today - datetime.timedelta(days=n - 5))
    loaded = []
    post_init.connect(lambda sender, **kwargs: loaded.append(sender), sender=Order, weak=False)
    results = {}
    for kind in ("bad", "fixed"):
        module = load(example("ORM012", kind), f"ORM012 {kind}")
        module.today = lambda: today
        loaded.clear()
        results[kind], sql = queries(module.dashboard, RequestFactory().get("/"))
        if kind == "bad":
            assert len(loaded) == 10 + 4  # every open order, then every late one, as objects
            assert not any("COUNT" in q or "LIMIT" in q for q in sql)
        else:
            assert loaded == []  # one number and one "is there a row"
            assert "COUNT(*)" in sql[0] and sql[1].endswith("LIMIT 1")
    assert results["bad"] == results["fixed"] == {"open": 10, "alert": "late orders"}


def invoices(kind, count):
    from apps.blog.models import Customer, Order

    for n in range(count):
        Order.objects.create(status="paid", customer=Customer.objects.create(name=f"c{n}"))
    module = load(example("ORM013", kind), f"ORM013 {kind}")
    sent = []
    module.send_invoice = lambda customer, order: sent.append((customer.name, order.pk))
    _, sql = queries(module.invoice_all)
    return sent, len(sql)


@pytest.mark.parametrize("kind", ["bad", "fixed"])
def test_orm013_queries_per_item(kind):
    from apps.blog.models import Order

    sent_3, queries_3 = invoices(kind, 3)
    Order.objects.all().delete()
    sent_6, queries_6 = invoices(kind, 6)
    assert len(sent_3) == 3 and [name for name, _ in sent_6] == [f"c{n}" for n in range(6)]
    assert (queries_3, queries_6) == ((4, 7) if kind == "bad" else (1, 1))


@pytest.fixture
def locking_backend(monkeypatch):
    """SQLite has no SELECT ... FOR UPDATE (`has_select_for_update = False`), and Django
    ignores select_for_update() there. The check this rule is about lives in
    `SQLCompiler.as_sql()` for every backend that has it; switch it on, with the FOR UPDATE
    clause itself left out of the SQL that SQLite runs."""
    monkeypatch.setattr(connection.features, "has_select_for_update", True)
    monkeypatch.setattr(connection.ops, "for_update_sql", lambda *args, **kwargs: "")


def account():
    from apps.blog.models import Account

    return Account.objects.create(balance=100)


@pytest.mark.django_db(transaction=True)
def test_orm014_outside_atomic_raises_on_a_locking_backend(locking_backend):
    from django.db.transaction import TransactionManagementError

    row = account()
    assert connection.get_autocommit()  # no test transaction around this one
    bad = load(example("ORM014", "bad"), "ORM014 bad")
    with pytest.raises(TransactionManagementError, match="select_for_update cannot be used outside of a transaction"):
        bad.withdraw(row.pk, 30)
    fixed = load(example("ORM014", "fixed"), "ORM014 fixed")
    fixed.withdraw(row.pk, 30)
    row.refresh_from_db()
    assert row.balance == 70


@pytest.mark.django_db(transaction=True)
def test_orm014_sqlite_ignores_select_for_update():
    """Without the switch, SQLite runs the bad example: the error shows on PostgreSQL, MySQL
    and Oracle only (and the test suite, inside TestCase's transaction, never sees it)."""
    row = account()
    load(example("ORM014", "bad"), "ORM014 bad").withdraw(row.pk, 30)
    row.refresh_from_db()
    assert row.balance == 70


def test_orm014_inside_a_test_transaction_both_run(locking_backend):
    row = account()
    assert connection.in_atomic_block  # TestCase's transaction: why the bug hides in tests
    for kind in ("bad", "fixed"):
        load(example("ORM014", kind), f"ORM014 {kind}").withdraw(row.pk, 10)
    row.refresh_from_db()
    assert row.balance == 80
