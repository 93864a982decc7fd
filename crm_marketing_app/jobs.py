"""The one idiom for background jobs.

- `enqueue_for(method, key, **kwargs)` queues a `crm_marketing_app.tasks.*` (or other) function on
  the long queue once per document: the job id is `method::key`, and a job still queued or running
  under that id is not queued again. Under tests (`frappe.flags.in_test`) the function runs at once,
  inline (`now=True`), so a test sees its outcome without a worker.
- `run_each(doctype, names, run, …)` runs a scheduled job's documents (triggers, journeys) one by one:
  one failing is rolled back and logged against its document, and the others go on.
- `commit_chunk()` ends one chunk of a bulk job: what the chunk did is committed together, so a
  crash loses at most the open chunk and a re-run carries on. Under tests it commits nothing: the
  test's transaction holds the work and rolls it back.
"""

import frappe


def enqueue_for(method: str, key: str, *, timeout: int | None = None, after_commit: bool = False, **kwargs):
	"""Queues `method(**kwargs)` once for `key` (a document's name); inline under tests.

	Inline runs skip the duplicate check: a job that the served site queued for a worker that never
	came (the browser tests) must not stop a test's own run."""
	inline = bool(frappe.flags.in_test)
	return frappe.enqueue(
		method,
		queue="long",
		timeout=timeout,
		job_id=f"{method}::{key}",
		deduplicate=not inline,
		enqueue_after_commit=after_commit,
		now=inline,
		**kwargs,
	)


def commit_chunk() -> None:
	"""Commits the chunk a bulk job has just done (nothing under tests: see the module's docstring)."""
	if not frappe.flags.in_test:
		frappe.db.commit()


def run_each(doctype: str, names: list[str], run, failed_title, progress_title: str) -> dict:
	"""`run(name)` for each document, with a progress bar; returns {name: result}. A document whose
	run fails loses only its open chunk (finished chunks are committed): it is rolled back and
	logged under `failed_title(name)`, and the others go on."""
	results = {}
	for done, name in enumerate(names, start=1):
		try:
			results[name] = run(name)
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=failed_title(name), reference_doctype=doctype, reference_name=name)
		frappe.publish_progress(done * 100 / len(names), title=progress_title)
	return results
