from django.test import RequestFactory

from kesu.common.http import client_ip


def test_without_proxies_the_socket_address_counts_and_forwarded_for_is_ignored(settings):
    settings.KESU_TRUSTED_PROXIES = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.5"


def test_behind_one_proxy_the_address_it_appended_counts(settings):
    settings.KESU_TRUSTED_PROXIES = 1
    # the client forged the first entry; nginx appended the real one
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"
    bare = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")
    assert client_ip(bare) == "127.0.0.1"
