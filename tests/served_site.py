"""The bench's web server for `$CRM_SITE` on a free port of 127.0.0.1, for tests over HTTP.

The server is another process: it sees only committed data.
"""

import contextlib
import os
import socket
import subprocess
import time
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
