"""X-Forwarded-For is trusted only from configured proxies (engine.client_ip)."""

from crm_marketing_app.engine.client_ip import client_ip


def test_without_trusted_proxies_the_header_is_ignored():
	assert client_ip("203.0.113.5", "1.2.3.4", []) == "203.0.113.5"
	assert client_ip("127.0.0.1", "10.9.8.7, 1.2.3.4", None) == "127.0.0.1"


def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client():
	# nginx appends the address it saw; whatever the client sent stays on the left
	assert client_ip("127.0.0.1", "6.6.6.6, 198.51.100.7", ["127.0.0.1"]) == "198.51.100.7"
	assert client_ip("10.0.0.2", "198.51.100.7, 10.0.0.9", ["10.0.0.0/8"]) == "198.51.100.7"
	assert client_ip("127.0.0.1", None, ["127.0.0.1"]) == "127.0.0.1"
	assert client_ip("127.0.0.1", "10.0.0.9", ["127.0.0.1", "10.0.0.0/8"]) == "10.0.0.9"


def test_a_malformed_hop_falls_back_to_the_peer():
	assert client_ip("127.0.0.1", "1.2.3.4, not-an-ip", ["127.0.0.1"]) == "127.0.0.1"
	assert client_ip("127.0.0.1", "1.2.3.4", ["bogus", "127.0.0.1"]) == "1.2.3.4"
	assert client_ip("", "1.2.3.4", []) == "127.0.0.1"
