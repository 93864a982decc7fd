"""Records for the campaign-execution tests, and their removal.

A distribution run as a worker (`as_worker`) commits per chunk, so whatever a test built
before distributing is committed too: `Scenario.cleanup()` deletes everything it made (and what the
job made for it) and commits.
"""

from contextlib import contextmanager

import frappe
from frappe.utils import random_string

from crm_marketing_app.bulk import insert_rows
from crm_marketing_app.target_lists.members import member_row_name
from tests.integration.helpers import default_company, make_campaign, make_user


@contextmanager
def as_worker():
	"""Runs the block as a background worker runs a job: without the test flag, so that
	crm_marketing_app.jobs.commit_chunk commits each chunk (what crash and race tests rely on)."""
	frappe.flags.in_test = False
	try:
		yield
	finally:
		frappe.flags.in_test = True


class Scenario:
	def __init__(self):
		self.tag = random_string(6)
		self.campaigns, self.activities, self.lists, self.people, self.users = [], [], [], [], []

	def user(self, roles: list[str], prefix: str) -> str:
		name = make_user(roles, prefix=prefix)
		self.users.append(name)
		return name

	def campaign(self, **fields) -> str:
		fields.setdefault("company", default_company())
		fields.setdefault("state", "Approved")  # only approved campaigns distribute
		name = make_campaign(campaign_name=f"CE {self.tag} {len(self.campaigns)}", **fields).name
		self.campaigns.append(name)
		return name

	def lead(
		self, name: str, email: str | None = None, phone: str | None = None, owner: str | None = None
	) -> str:
		lead = frappe.get_doc(
			{
				"doctype": "Lead",
				"first_name": f"{name} {self.tag}",
				"company_name": f"{name} Ltd",
				"email_id": email,
				"mobile_no": phone,
				"lead_owner": owner,
			}
		).insert()
		if not owner:  # a new Lead defaults its owner to the session user
			frappe.db.set_value("Lead", lead.name, "lead_owner", None)
		self.people.append(("Lead", lead.name))
		return lead.name

	def target_list(self, members: list[tuple[str, str]]) -> str:
		"""A static list of Leads; `members` as (lead, status). Rows are written by the bulk-row
		writer, named as the list code names them, so these tests do not depend on list refreshes."""
		name = f"CE List {self.tag} {len(self.lists)}"
		frappe.get_doc(
			{"doctype": "Target List", "list_name": name, "member_doctype": "Lead", "list_type": "Static"}
		).insert()
		self.lists.append(name)
		rows = []
		for lead, status in members:
			email, phone, full = frappe.db.get_value("Lead", lead, ["email_id", "mobile_no", "lead_name"])
			rows.append(
				{
					"target_list": name,
					"member_doctype": "Lead",
					"member": lead,
					"member_name": full,
					"email": email,
					"phone": phone,
					"source": "Manual",
					"status": status,
				}
			)
		insert_rows(
			"Target List Member", rows, name=lambda row: member_row_name(row["target_list"], row["member"])
		)
		return name

	def activity(self, campaign: str, channel: str, lists: list[str], **fields):
		doc = frappe.get_doc(
			{
				"doctype": "Campaign Activity",
				"subject": f"CE {channel} {self.tag}",
				"campaign": campaign,
				"channel": channel,
				"scheduled_date": fields.pop("scheduled_date", "2026-03-02"),
				"end_date": fields.pop("end_date", "2026-03-06"),
				"target_lists": [{"target_list": name} for name in lists],
				**fields,
			}
		).insert()
		self.activities.append(doc.name)
		return doc

	def email_template(self, subject: str, body: str) -> str:
		name = f"CE Template {self.tag}"
		if not frappe.db.exists("Email Template", name):
			frappe.get_doc(
				{"doctype": "Email Template", "name": name, "subject": subject, "response": body}
			).insert()
		return name

	def cleanup(self) -> None:
		frappe.db.rollback()
		frappe.set_user("Administrator")
		acts = self.activities + frappe.get_all(
			"Campaign Activity", {"campaign": ("in", self.campaigns or [""])}, pluck="name"
		)
		people = [name for _doctype, name in self.people]
		if acts:
			events = frappe.get_all(
				"Event Participants", {"reference_docname": ("in", people or [""])}, pluck="parent"
			)
			frappe.db.delete("Event", {"name": ("in", events or [""])})
			frappe.db.delete("Event Participants", {"parent": ("in", events or [""])})
			queues = frappe.get_all("Email Queue", {"reference_name": ("in", acts)}, pluck="name")
			frappe.db.delete("Email Queue Recipient", {"parent": ("in", queues or [""])})
			frappe.db.delete("Email Queue", {"name": ("in", queues or [""])})
			for f in frappe.get_all(
				"File",
				{"attached_to_doctype": "Campaign Activity", "attached_to_name": ("in", acts)},
				pluck="name",
			):
				frappe.delete_doc("File", f, force=True, ignore_permissions=True)
			frappe.db.delete("ToDo", {"reference_name": ("in", acts)})
			frappe.db.delete("Campaign Activity Milestone", {"parent": ("in", acts)})
			frappe.db.delete("Campaign Activity Target List", {"parent": ("in", acts)})
			frappe.db.delete("Campaign Activity", {"name": ("in", acts)})
		frappe.db.delete("Campaign Response", {"campaign": ("in", self.campaigns or [""])})
		if people:
			frappe.db.delete("Campaign Response", {"respondent": ("in", people)})
			frappe.db.delete("ToDo", {"reference_name": ("in", people)})
			frappe.db.delete("Email Unsubscribe", {"email": ("like", f"%{self.tag.lower()}%")})
			frappe.db.delete("Lead", {"name": ("in", people)})
			frappe.db.delete("Contact Phone", {"parent": ("in", people)})
			frappe.db.delete("Contact", {"name": ("in", people)})
		frappe.db.delete("Target List Member", {"target_list": ("in", self.lists or [""])})
		frappe.db.delete("Target List", {"name": ("in", self.lists or [""])})
		frappe.db.delete("Campaign Target Product", {"parent": ("in", self.campaigns or [""])})
		frappe.db.delete("Campaign", {"name": ("in", self.campaigns or [""])})
		frappe.db.delete("Email Template", {"name": f"CE Template {self.tag}"})
		for user in self.users:  # with the Contact Frappe made for each
			for contact in frappe.get_all("Contact", {"user": user}, pluck="name"):
				frappe.delete_doc("Contact", contact, force=True, ignore_permissions=True)
			frappe.delete_doc("User", user, force=True, ignore_permissions=True)
		frappe.db.commit()
