"""The bench's web server for `$CRM_SITE` on a free port of 127.0.0.1, for tests and benchmarks over HTTP.

The server is another process: it sees only committed data. `run_site_jobs()` runs the background jobs
it queued, as a worker would; `Client` is a minimal browser that talks only to it.
"""

import contextlib
import http.client
import os
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from tests.site import BENCH, SITE

PYTHON = os.path.join(BENCH, "env", "bin", "python")


def frappe_cli(*args: str) -> list[str]:
	return [PYTHON, "-m", "frappe.utils.bench_helper", "frappe", "--site", SITE, *args]


def free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


@contextlib.contextmanager
def serve_site(log_prefix: str = "serve"):
	"""Yields the base URL of a running `frappe serve`; stops it afterwards."""
	port = free_port()
	log = open(os.path.join(BENCH, "logs", f"{log_prefix}-{port}.log"), "w")
	server = subprocess.Popen(
		frappe_cli("serve", "--port", str(port), "--noreload"),
		cwd=os.path.join(BENCH, "sites"),
		stdout=log,
		stderr=subprocess.STDOUT,
		start_new_session=True,
	)
	url = f"http://127.0.0.1:{port}"
	try:
		for _ in range(120):
			if server.poll() is not None:
				pytest.fail(f"the web server exited with {server.returncode}; see {log.name}")
			try:
				with urllib.request.urlopen(f"{url}/api/method/ping", timeout=2) as response:
					if response.status == 200:
						break
			except OSError:
				time.sleep(0.5)
		else:
			pytest.fail(f"the web server did not answer on {url}; see {log.name}")
		yield url
	finally:
		server.terminate()
		try:
			server.wait(timeout=15)
		except subprocess.TimeoutExpired:
			server.kill()
		log.close()


def run_site_jobs() -> str:
	"""Runs the jobs queued for the site (by the served site), as a worker would; returns its output."""
	done = subprocess.run(
		[PYTHON, os.path.join(os.path.dirname(os.path.abspath(__file__)), "e2e", "run_site_jobs.py"), SITE],
		cwd=os.path.join(BENCH, "sites"),
		check=True,
		capture_output=True,
		text=True,
		timeout=600,
	)
	return done.stdout + done.stderr


def served_path(url: str) -> str:
	"""The path and query of a URL the site made (its links name the site's configured host, not the
	port it is served on here)."""
	parts = urllib.parse.urlsplit(url)
	return parts.path + (f"?{parts.query}" if parts.query else "")


class Client:
	"""A minimal browser for HTTP tests and benchmarks: keeps the cookies the site sets, sends them
	back, never follows a redirect (a tracked link may point anywhere), and talks only to the served
	site on 127.0.0.1, from `source_ip` (another loopback address is another visitor's IP)."""

	USER_AGENT = (
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
	)

	def __init__(
		self,
		base_url: str,
		source_ip: str = "127.0.0.1",
		user_agent: str = USER_AGENT,
		headers: dict | None = None,
	):
		parts = urllib.parse.urlsplit(base_url)
		if parts.hostname != "127.0.0.1":
			raise ValueError("the test client only talks to 127.0.0.1")
		self.base_url, self.port, self.source_ip, self.user_agent = (
			base_url,
			parts.port,
			source_ip,
			user_agent,
		)
		self.cookies: dict[str, str] = {}
		self.headers = headers or {}
		self.connection = None

	def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
		"""(status, response headers, body bytes)."""
		path = served_path(path)
		data = urllib.parse.urlencode(body).encode() if body is not None else None
		sent = {"User-Agent": self.user_agent, **self.headers, **(headers or {})}
		if data is not None:
			sent["Content-Type"] = "application/x-www-form-urlencoded"
		if self.cookies:
			sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
		for attempt in (1, 2):
			if self.connection is None:
				self.connection = http.client.HTTPConnection(
					"127.0.0.1", self.port, timeout=30, source_address=(self.source_ip, 0)
				)
			try:
				self.connection.request(method, path, body=data, headers=sent)
				response = self.connection.getresponse()
				content = response.read()
				break
			except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
				self.connection.close()
				self.connection = None
				if attempt == 2:
					raise
		for header in response.headers.get_all("Set-Cookie") or []:
			name, _, rest = header.partition("=")
			value = rest.split(";", 1)[0]
			if value == "" or "max-age=0" in header.lower():
				self.cookies.pop(name, None)
			else:
				self.cookies[name] = value
		return response.status, response.headers, content

	def get(self, path: str):
		return self.request("GET", path)

	def beacon(self, site_key: str, url: str, kind: str = "view", **fields) -> int:
		status, _, _ = self.request(
			"POST", "/api/method/crm_marketing_app.api.beacon", {"k": site_key, "u": url, "e": kind, **fields}
		)
		return status

	def close(self):
		if self.connection is not None:
			self.connection.close()
			self.connection = None
