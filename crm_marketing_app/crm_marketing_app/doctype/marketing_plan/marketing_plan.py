"""Marketing Plan: a company's marketing budget for a fiscal year, per period, business line (Cost
Center) and campaign type; the figures against it are in the report Marketing Plan vs Actual."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, getdate

from crm_marketing_app.engine import plan as engine
from crm_marketing_app.utils import engine_errors


class MarketingPlan(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_marketing_app.crm_marketing_app.doctype.marketing_plan_account.marketing_plan_account import (
			MarketingPlanAccount,
		)
		from crm_marketing_app.crm_marketing_app.doctype.marketing_plan_period.marketing_plan_period import (
			MarketingPlanPeriod,
		)

		action_if_exceeded: DF.Literal["Warn", "Stop"]
		company: DF.Link
		expense_accounts: DF.Table[MarketingPlanAccount]
		fiscal_year: DF.Link
		periods: DF.Table[MarketingPlanPeriod]
		total_planned_budget: DF.Currency

	# end: auto-generated types
	def validate(self):
		title = _("Invalid Marketing Plan")
		other = frappe.db.get_value(
			"Marketing Plan",
			{
				"company": self.company,
				"fiscal_year": self.fiscal_year,
				# a new plan is already named after its company and year
				"name": ("!=", "" if self.is_new() else self.name),
			},
		)
		if other:
			frappe.throw(
				_("Marketing Plan {0} already plans {1} for fiscal year {2}").format(
					frappe.bold(other), self.company, self.fiscal_year
				),
				title=title,
			)
		self.check_links("Account", [row.account for row in self.expense_accounts], title)
		self.check_links("Cost Center", [row.cost_center for row in self.periods], title)
		year_start, year_end = frappe.db.get_value(
			"Fiscal Year", self.fiscal_year, ("year_start_date", "year_end_date")
		)
		with engine_errors(title):
			engine.check_action(self.action_if_exceeded)
			engine.check_rows(plan_rows(self), getdate(year_start), getdate(year_end))
		self.total_planned_budget = sum(flt(row.planned_budget) for row in self.periods)

	def check_links(self, doctype: str, names: list[str], title: str) -> None:
		"""Accounts and cost centers of the plan's company, not groups: entries are booked on leaves."""
		found = {
			row.name: row
			for row in frappe.get_all(
				doctype, filters={"name": ("in", names)}, fields=["name", "company", "is_group"]
			)
		}
		for name in names:
			row = found.get(name)
			if row and row.company == self.company and not row.is_group:
				continue
			frappe.throw(
				_("{0} {1} must be a non-group {0} of company {2}").format(
					_(doctype), frappe.bold(name), self.company
				),
				title=title,
			)


def plan_rows(doc) -> list[engine.PlanRow]:
	return [
		engine.PlanRow(
			idx=row.idx,
			period_start=getdate(row.period_start),
			period_end=getdate(row.period_end),
			cost_center=row.cost_center,
			campaign_type=row.campaign_type or None,
			planned_budget=flt(row.planned_budget),
		)
		for row in doc.periods
	]
