"""client_ip: REMOTE_ADDR, unless the peer is a trusted proxy; then X-Forwarded-For read from the right."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from xuncha.audit.log import client_ip


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        ([], "203.0.113.7", "1.2.3.4", "203.0.113.7"),  # no proxy configured: the header is anyone's
        (["10.0.0.1"], "203.0.113.7", "1.2.3.4", "203.0.113.7"),  # the peer is not our proxy
        (["10.0.0.1"], "10.0.0.1", "198.51.100.9", "198.51.100.9"),
        (["10.0.0.1"], "10.0.0.1", "6.6.6.6, 198.51.100.9", "198.51.100.9"),  # the client's own entry is left
        (["10.0.0.0/8"], "10.0.0.1", "198.51.100.9, 10.2.3.4", "198.51.100.9"),  # two proxies in a row
        (["10.0.0.1"], "10.0.0.1", None, "10.0.0.1"),  # nothing forwarded: the proxy itself
        (["10.0.0.1"], "10.0.0.1", "garbage", "10.0.0.1"),  # a malformed entry stops at the proxy
        (["10.0.0.0/8"], "10.0.0.1", "198.51.100.9, nonsense, 10.2.3.4", "10.2.3.4"),
        (["10.0.0.0/8"], "10.0.0.1", "10.1.1.1, 10.2.2.2", "10.1.1.1"),  # only proxies: the farthest
        (["::1", "fd00::/8"], "::1", "2001:db8::5", "2001:db8::5"),
        (["10.0.0.1"], "10.0.0.1", " 198.51.100.9 ,", "198.51.100.9"),
    ],
)
def test_client_ip(settings, proxies, remote, forwarded, expected):
    settings.XUNCHA_TRUSTED_PROXIES = proxies
    assert client_ip(_request(remote, forwarded)) == expected


def test_no_request_and_no_address():
    assert client_ip(None) is None
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert client_ip(request) is None


def test_a_wrong_setting_is_reported(settings):
    settings.XUNCHA_TRUSTED_PROXIES = ["10.0.0.300"]
    with pytest.raises(ImproperlyConfigured):
        client_ip(_request("10.0.0.1", "1.2.3.4"))
