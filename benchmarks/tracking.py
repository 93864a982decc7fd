"""Website tracking: a bounded loopback load on the beacon endpoint of the site served by Frappe's own server.

    cd /opt/bench && CRM_SITE=<site> PYTHONPATH=<app checkout> env/bin/python <app checkout>/benchmarks/tracking.py [seconds] [rate]

Starts `frappe serve` for the site on a free port of 127.0.0.1 (the only target: the clients refuse any
other host) and makes PEOPLE Leads with a visitor cookie each, as a click on a tracked link gives them.
CLIENTS threads then offer `rate` requests a second in all (default 120) for `seconds` (default 30), each
thread on its own schedule, from its own loopback address (127.0.0.11, .12, …), for its own share of
the people, each request a page view of one of PAGES pages. Every loop is bounded by a request count and
a deadline.

- baseline: the same load on Frappe's `/api/method/ping` for BASELINE_SECONDS, the floor of any
  request to this server on this machine;
- beacon: the load on `crm_marketing_app.api.beacon`.

Identities: the default limits of CRM Marketing Settings stay in force. The load is spread over
CLIENTS source addresses and PEOPLE people so that no address exceeds `beacon_limit_per_ip` and no
person `beacon_limit_per_visitor` a minute (both checked before the run). Each client also names its
own address in `X-Forwarded-For`, so the count is per address whether the site reads the connection's
address or (behind a trusted proxy) that header.

Then the queued writes are run as a worker would, and it checks that every (person, page) that was
accepted has exactly one Website Visit of today, none twice. Prints errors, p50 / p95 latency, the
accepted rate and the p50 ratio beacon / ping; deletes everything it created.
"""

import statistics
import sys
import threading
import time

import frappe
from common import SITE, connect
from frappe.query_builder.functions import Count

CLIENTS = 8
PEOPLE = 240
PAGES = 4
BASELINE_SECONDS = 10
PREFIX = "BENCH-WEB"


def make_people(campaign: str) -> list[str]:
	return [
		frappe.get_doc({"doctype": "Lead", "first_name": f"{PREFIX} {i}", "campaign_name": campaign})
		.insert()
		.name
		for i in range(PEOPLE)
	]


def visitor_cookie(lead: str, campaign: str) -> str:
	"""The cookie a click on a tracked link sets (same signing key and payload)."""
	from crm_marketing_app.campaign_execution.web_tracking import key_for
	from crm_marketing_app.engine import web_tracking as web

	return web.encode_token(
		key_for("visitor"), {"d": "Lead", "r": lead, "c": campaign, "a": "", "exp": int(time.time()) + 3600}
	)


def load(base_url: str, seconds: float, rate: float, request) -> dict:
	"""CLIENTS threads, each offering rate / CLIENTS requests a second for `seconds` (bounded in count
	and time); `request(client, thread, i)` sends one and returns its status."""
	from tests.served_site import Client

	per_thread = int(rate * seconds / CLIENTS)
	interval = CLIENTS / rate
	results = [[] for _ in range(CLIENTS)]
	start = time.monotonic() + 0.5
	deadline = start + seconds + 30  # a stalled server cannot keep a thread forever

	def run(thread: int):
		address = f"127.0.0.{11 + thread}"
		# The address it really comes from, in both of the ways a Frappe site may read it.
		client = Client(base_url, source_ip=address, headers={"X-Forwarded-For": address})
		try:
			for i in range(per_thread):
				due = start + i * interval + thread * interval / CLIENTS
				now = time.monotonic()
				if now > deadline:
					break
				if due > now:
					time.sleep(due - now)
				sent = time.monotonic()
				try:
					status = request(client, thread, i)
				except OSError as e:
					status = repr(e)
				results[thread].append((status, time.monotonic() - sent, i))
		finally:
			client.close()

	threads = [threading.Thread(target=run, args=(t,)) for t in range(CLIENTS)]
	for t in threads:
		t.start()
	for t in threads:
		t.join()
	elapsed = time.monotonic() - start
	rows = [(thread, *row) for thread, rows in enumerate(results) for row in rows]
	latencies = sorted(latency for _, _, latency, _ in rows)
	accepted = [row for row in rows if row[1] == 200]  # (thread, status, latency, i)
	return {
		"offered": per_thread * CLIENTS,
		"sent": len(rows),
		"errors": len(rows) - len(accepted),
		"statuses": sorted({str(row[1]) for row in rows if row[1] != 200}),
		"p50": statistics.median(latencies) * 1000,
		"p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
		"offered_rate": per_thread * CLIENTS / seconds,
		"accepted_rate": len(accepted) / elapsed,
	}


def report(name: str, r: dict) -> None:
	print(
		f"{name}: {r['sent']} of {r['offered']} requests offered at {r['offered_rate']:.0f}/s, "
		f"{r['errors']} errors {r['statuses'] or ''}, p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, "
		f"accepted {r['accepted_rate']:.1f}/s"
	)


def main(seconds: float, rate: float) -> None:
	from crm_marketing_app.campaign_execution.web_tracking import (
		VISITOR_COOKIE,
		limit_per_ip,
		limit_per_visitor,
		site_key,
	)
	from tests.integration.helpers import default_company, make_campaign
	from tests.served_site import run_site_jobs, serve_site

	per_ip = rate / CLIENTS * 60
	per_person = rate * 60 / PEOPLE
	print(
		f"site {SITE}: {CLIENTS} clients, {PEOPLE} people, {PAGES} pages; a minute brings {per_ip:.0f} beacons "
		f"per address (limit {limit_per_ip()}) and {per_person:.0f} per person (limit {limit_per_visitor()})"
	)
	if per_ip > limit_per_ip() or per_person > limit_per_visitor():
		sys.exit("the load would exceed the beacon limits: raise PEOPLE or CLIENTS")

	run_site_jobs()  # nothing queued earlier may land in this run's counts
	campaign = make_campaign(
		company=default_company(), campaign_name=f"{PREFIX} {frappe.generate_hash(length=6)}"
	).name
	people = make_people(campaign)
	frappe.db.commit()
	try:
		with serve_site("web-tracking-serve") as base_url:
			key = site_key(base_url)
			cookies = {lead: visitor_cookie(lead, campaign) for lead in people}
			share = PEOPLE // CLIENTS
			sent_visits: set[tuple[str, str]] = set()  # accepted (person, page): set.add is atomic

			def beacon(client, thread: int, i: int):
				lead = people[thread * share + i % share]
				client.cookies[VISITOR_COOKIE] = cookies[lead]
				page = f"{base_url}/bench-page-{(i // share) % PAGES}"
				status = client.beacon(key, page)
				if status == 200:
					sent_visits.add((lead, page))
				return status

			def ping(client, thread: int, i: int):
				return client.get("/api/method/ping")[0]

			baseline = load(base_url, BASELINE_SECONDS, rate, ping)
			report("baseline (ping)", baseline)
			result = load(base_url, seconds, rate, beacon)
			report("beacon", result)
		started = time.monotonic()
		run_site_jobs()
		print(f"queued writes run in {time.monotonic() - started:.1f} s (one worker)")
		frappe.db.rollback()
		response = frappe.qb.DocType("Campaign Response")
		counts = (
			frappe.qb.from_(response)
			.select(response.respondent, response.page_url, Count("*"))
			.where(response.respondent.isin(people))
			.where(response.response_type == "Website Visit")
			.groupby(response.respondent, response.page_url)
			.run()
		)
		twice = [row for row in counts if row[2] > 1]
		recorded = {(lead, page) for lead, page, _ in counts}
		print(
			f"Website Visits: {len(recorded)} recorded for {len(sent_visits)} distinct accepted (person, page), "
			f"{len(twice)} recorded twice, {len(sent_visits - recorded)} missing"
		)
		print(f"beacon p50 / ping p50: {result['p50'] / baseline['p50']:.2f}")
		assert not twice and recorded == sent_visits and result["errors"] == 0 and baseline["errors"] == 0
	finally:
		cleanup(campaign, people)


def cleanup(campaign: str, people: list[str]) -> None:
	frappe.db.rollback()
	frappe.db.delete("Campaign Response", {"respondent": ("in", people)})
	for lead in reversed(people):
		frappe.delete_doc("Lead", lead, force=True)
	frappe.delete_doc("Campaign", campaign, force=True)
	frappe.db.commit()
	frappe.cache.delete_keys("crm_web_seen:")  # the day's marks of leads whose names may be given again


if __name__ == "__main__":
	connect()
	main(float(sys.argv[1]) if len(sys.argv) > 1 else 30, float(sys.argv[2]) if len(sys.argv) > 2 else 120)
