"""Runs the background jobs queued for one site, then exits: `python run_site_jobs.py SITE`.

A bench worker would also run other sites' jobs from the shared queues; the
browser tests only need their own site's work done (distribution the desk enqueued).
"""

import sys
import traceback

import frappe
from frappe.utils.background_jobs import get_queues


def main(site: str) -> None:
	frappe.init(site=site)
	jobs = []
	for queue in get_queues():
		for job in queue.get_jobs():
			if (job.kwargs or {}).get("site") == site:
				queue.remove(job)
				jobs.append(job)
	frappe.destroy()
	failed = 0
	for job in jobs:
		try:
			job.perform()  # frappe's execute_job: connects to the site, runs, commits
		except Exception:
			# Another test's stale job must not hide this run's result: report it, go on.
			failed += 1
			traceback.print_exc()
		finally:
			# perform() leaves the job's status "queued": its id would block every later enqueue
			# with deduplicate=True (jobs.enqueue_for), even the inline runs under tests.
			job.delete()
	print(f"{len(jobs)} jobs run, {failed} failed")


if __name__ == "__main__":
	main(sys.argv[1])
