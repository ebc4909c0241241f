"""Notice pages: own notices only, newest first, unread filter, fixed queries, marking read, the unread badge."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dtbd.notices.context import unread
from dtbd.notices.models import Notice


def make(user, n=1, **kw):
    rows = [Notice(user=user, kind=kw.get("kind", Notice.Kind.OTHER), title=kw.get("title", f"Thông báo {i}"),
                   body=kw.get("body", ""), url=kw.get("url", ""), read_at=kw.get("read_at")) for i in range(n)]
    return Notice.objects.bulk_create(rows)


@pytest.fixture
def learner_client(client, users):
    client.force_login(users.learner)
    return client


def test_list_shows_only_own_notices_newest_first(learner_client, users):
    make(users.officer, title="Của người khác")
    first = make(users.learner, title="Thông báo cũ")[0]
    second = make(users.learner, title="Thông báo mới")[0]
    response = learner_client.get(reverse("notices:list"))
    assert response.status_code == 200
    shown = list(response.context["notices"])
    assert shown == [second, first]
    assert "Của người khác" not in response.content.decode()


def test_unread_filter_and_highlight(learner_client, users):
    make(users.learner, title="Đã đọc rồi", read_at=timezone.now())
    make(users.learner, title="Chưa đọc đâu")
    all_page = learner_client.get(reverse("notices:list")).content.decode()
    assert "Đã đọc rồi" in all_page and "Chưa đọc đâu" in all_page
    assert all_page.count("notice-unread") == 1
    unread_page = learner_client.get(reverse("notices:list") + "?hien=chua-doc").content.decode()
    assert "Chưa đọc đâu" in unread_page and "Đã đọc rồi" not in unread_page


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("notices:list"))
    assert response.status_code == 302
    assert "next=" in response["Location"]


@pytest.mark.parametrize("count", [3, 30])
def test_list_runs_a_fixed_number_of_queries(learner_client, users, count, django_assert_max_num_queries):
    make(users.learner, count, body="Nội dung", url="/dao-tao/")
    with django_assert_max_num_queries(8):
        response = learner_client.get(reverse("notices:list"))
    assert response.status_code == 200
    assert len(response.context["notices"]) == count


def test_list_is_paginated(learner_client, users):
    make(users.learner, 45)
    response = learner_client.get(reverse("notices:list"))
    assert len(response.context["notices"]) == 30
    assert response.context["page_obj"].paginator.num_pages == 2


def test_read_marks_one_read_and_follows_its_link(learner_client, users):
    notice, other = make(users.learner, 2, url="/dao-tao/lop/1/")
    response = learner_client.post(reverse("notices:read", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == "/dao-tao/lop/1/"
    notice.refresh_from_db(), other.refresh_from_db()
    assert notice.read_at is not None and other.read_at is None


def test_read_without_link_returns_to_the_list_and_ignores_foreign_urls(learner_client, users):
    plain = make(users.learner)[0]
    assert learner_client.post(reverse("notices:read", args=[plain.pk]))["Location"] == reverse("notices:list")
    evil = make(users.learner, url="https://example.com/")[0]
    assert learner_client.post(reverse("notices:read", args=[evil.pk]))["Location"] == reverse("notices:list")


def test_read_of_another_users_notice_is_404_and_changes_nothing(learner_client, users):
    foreign = make(users.officer)[0]
    assert learner_client.post(reverse("notices:read", args=[foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.read_at is None


def test_read_needs_post(learner_client, users):
    notice = make(users.learner)[0]
    assert learner_client.get(reverse("notices:read", args=[notice.pk])).status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None


def test_read_with_htmx_answers_the_row_and_the_badge(learner_client, users):
    notice, _other = make(users.learner, 2)
    response = learner_client.post(reverse("notices:read", args=[notice.pk]), {"follow": "0"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notice-{notice.pk}"' in html and "notice-unread" not in html
    assert 'hx-swap-oob="true"' in html and ">1<" in html


def test_read_all_marks_only_own_notices(learner_client, users):
    make(users.learner, 3)
    foreign = make(users.officer)[0]
    response = learner_client.post(reverse("notices:read_all"))
    assert response.status_code == 302
    assert not Notice.objects.filter(user=users.learner, read_at__isnull=True).exists()
    foreign.refresh_from_db()
    assert foreign.read_at is None


def test_unread_badge_counts_with_one_query(learner_client, users, django_assert_num_queries):

    make(users.learner, 4)
    make(users.learner, 2, read_at=timezone.now())
    request = RequestFactory().get("/")
    request.user = users.learner
    context = unread(request)
    with django_assert_num_queries(1):
        assert int(str(context["unread_notices"])) == 4
    page = learner_client.get(reverse("notices:list")).content.decode()
    assert '<span id="notice-badge"><span class="badge"' in page


def test_no_unread_query_for_anonymous_visitors(db, django_assert_num_queries):

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert unread(request) == {}
