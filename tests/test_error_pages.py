"""With DEBUG off the error pages are the project's, in Chinese, with no debug detail (no URL list, no
traceback, no settings), under the Content-Security-Policy."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, RequestFactory, override_settings
from django.urls import get_resolver, path

from xuncha import access
from xuncha.accounts.roles import Role

DEBUG_MARKERS = ("Traceback", "URLconf", "urlpatterns", "DEBUG = True", "Page not found", "Server Error", "Forbidden")


def _clean(html: str) -> None:
    assert 'lang="zh-CN"' in html and "巡察通" in html
    for marker in DEBUG_MARKERS:
        assert marker not in html, marker
    assert "<script>" not in html  # scripts only from files (the policy allows no inline script)


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_404_is_chinese_and_without_the_url_list(client_for, make_user):
    for client in (Client(), client_for(make_user(Role.TEAM))):
        response = client.get("/no-such-page/at-all/")
        assert response.status_code == 404
        html = response.content.decode()
        _clean(html)
        assert "页面不存在" in html
        assert "Content-Security-Policy" in response.headers


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_403_shows_the_access_layers_message_and_nothing_technical(client_for, make_user):
    handler = get_resolver().resolve_error_handler(403)
    request = RequestFactory().get("/")
    request.user = make_user(Role.TEAM)
    refused = handler(request, access.Forbidden("只有巡察办可以删除轮次"))
    assert refused.status_code == 403
    html = refused.content.decode()
    _clean(html)
    assert "只有巡察办可以删除轮次" in html and "没有执行此操作的权限" in html
    technical = handler(request, PermissionDenied("internal detail: rule x failed")).content.decode()
    assert "internal detail" not in technical and "没有执行此操作的权限" in technical
    # And through a real refusal: the leadership may not open the office's form.
    response = client_for(make_user(Role.LEADER)).get("/units/new/")
    assert response.status_code == 403
    _clean(response.content.decode())


@override_settings(DEBUG=False)
def test_400_and_500_pages():
    request = RequestFactory().get("/")
    bad = get_resolver().resolve_error_handler(400)(request, SuspiciousOperation("Invalid HTTP_HOST header: 'x'"))
    assert bad.status_code == 400
    _clean(bad.content.decode())
    assert "请求无效" in bad.content.decode() and "HTTP_HOST" not in bad.content.decode()
    error = get_resolver().resolve_error_handler(500)(request)
    assert error.status_code == 500
    _clean(error.content.decode())
    assert "系统暂时出错" in error.content.decode()


def _boom(request):
    raise RuntimeError("secret detail of the failure")


# A URLconf with a view that crashes, for the test below (the project's error handlers).
urlpatterns = [path("boom/", _boom)]
handler403 = "xuncha.core.views.permission_denied"


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_crash_in_a_view_gets_the_500_page():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    _clean(html)
    assert "secret detail" not in html and "系统暂时出错" in html


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_csrf_failure_and_lockout_pages_are_chinese():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    _clean(html)
    assert "页面已过期" in html
