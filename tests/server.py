"""The site served over HTTP by Frappe's own web server, for the browser and HTTP tests and the benchmarks.

`serve()` starts `frappe serve` for `$CRM_SITE` on a free port of 127.0.0.1 and yields its base URL;
`run_site_jobs()` runs the background jobs the served site queued, as a worker would.
"""

import os
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager

from tests.site import BENCH, SITE

PYTHON = os.path.join(BENCH, "env", "bin", "python")
HERE = os.path.dirname(os.path.abspath(__file__))


def frappe_cli(*args: str) -> list[str]:
	return [PYTHON, "-m", "frappe.utils.bench_helper", "frappe", "--site", SITE, *args]


def free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


class ServerError(RuntimeError):
	pass


@contextmanager
def serve():
	"""The bench's web server for the site on a free port, stopped afterwards (it imports the app from
	`$PYTHONPATH`, as the tests do)."""
	port = free_port()
	log = open(os.path.join(BENCH, "logs", f"test-serve-{port}.log"), "w")
	server = subprocess.Popen(
		frappe_cli("serve", "--port", str(port), "--noreload"),
		cwd=os.path.join(BENCH, "sites"),
		stdout=log,
		stderr=subprocess.STDOUT,
		start_new_session=True,
	)
	url = f"http://127.0.0.1:{port}"
	try:
		for _ in range(240):
			if server.poll() is not None:
				raise ServerError(f"the web server exited with {server.returncode}; see {log.name}")
			try:
				with urllib.request.urlopen(f"{url}/api/method/ping", timeout=2) as response:
					if response.status == 200:
						break
			except OSError:
				time.sleep(0.5)
		else:
			raise ServerError(f"the web server did not answer on {url}; see {log.name}")
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
		[PYTHON, os.path.join(HERE, "e2e", "run_site_jobs.py"), SITE],
		cwd=os.path.join(BENCH, "sites"),
		check=True,
		capture_output=True,
		text=True,
		timeout=600,
	)
	return done.stdout + done.stderr
