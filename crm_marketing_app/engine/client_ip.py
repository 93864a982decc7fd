"""The client address of a request, trusting `X-Forwarded-For` only from configured proxies.

Frappe takes the first `X-Forwarded-For` entry as the client: anyone can send that header, and a
rate limit keyed on it is then no limit at all. Behind a reverse proxy (nginx appends the address it
saw), the client is the right-most entry that is not itself a trusted proxy.
"""

import ipaddress
from collections.abc import Iterable


def client_ip(remote_addr: str | None, forwarded_for: str | None, trusted_proxies: Iterable[str]) -> str:
	networks = [_network(p) for p in trusted_proxies or ()]
	networks = [n for n in networks if n]
	peer = (remote_addr or "").strip() or "127.0.0.1"
	if not _trusted(peer, networks):
		return peer
	hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()]
	for hop in reversed(hops):
		if _address(hop) is None:
			return peer  # a malformed entry: nothing left of it can be trusted
		if not _trusted(hop, networks):
			return hop
	return hops[0] if hops else peer


def _network(text: str):
	try:
		return ipaddress.ip_network(str(text).strip(), strict=False)
	except ValueError:
		return None


def _address(text: str):
	try:
		return ipaddress.ip_address(text)
	except ValueError:
		return None


def _trusted(address: str, networks: list) -> bool:
	ip = _address(address)
	return ip is not None and any(ip in n for n in networks)
