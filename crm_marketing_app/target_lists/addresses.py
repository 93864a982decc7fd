"""Postal addresses of list members: where a letter to a Lead, Contact, Customer or Prospect goes.

A member's postal address is, best first: the Address its record points to
(Customer `customer_primary_address`, Contact `address`); an Address linked to
it (its primary one first); for a Contact, the Address of the Customer it works
for (primary first). Only an enabled Address with a first line counts.
"""

import frappe
from frappe.contacts.doctype.address.address import render_address
from frappe.query_builder.functions import Count, IfNull
from frappe.query_builder.terms import ValueWrapper

# the Address a member record points to itself
_OWN_ADDRESS_FIELD = {"Customer": "customer_primary_address", "Contact": "address"}


def _postal(address):
	return (IfNull(address.address_line1, "") != "") & (address.disabled == 0)


def candidates(member_doctype: str, members=None):
	"""SELECT member, address, rank (lower is better) of every postal address a member could get."""
	address, link = frappe.qb.DocType("Address"), frappe.qb.DocType("Dynamic Link")

	def narrowed(column):
		return column.isin(members) if members is not None else ValueWrapper(1) == 1

	def linked(linked_doctype, member_column, rank_offset, query=None):
		query = query or frappe.qb.from_(link)
		return (
			query.join(address)
			.on(address.name == link.parent)
			.select(
				member_column.as_("member"),
				address.name.as_("address"),
				(ValueWrapper(rank_offset + 1) - address.is_primary_address).as_("rank"),
			)
			.where(
				(link.parenttype == "Address")
				& (link.link_doctype == linked_doctype)
				& _postal(address)
				& narrowed(member_column)
			)
		)

	queries = [linked(member_doctype, link.link_name, 1)]
	if member_doctype in _OWN_ADDRESS_FIELD:
		record = frappe.qb.DocType(member_doctype)
		own = record[_OWN_ADDRESS_FIELD[member_doctype]]
		queries.append(
			frappe.qb.from_(record)
			.join(address)
			.on(address.name == own)
			.select(record.name.as_("member"), address.name.as_("address"), ValueWrapper(0).as_("rank"))
			.where(_postal(address) & narrowed(record.name))
		)
	if member_doctype == "Contact":
		works_for = frappe.qb.DocType("Dynamic Link").as_("works_for")
		via_customer = (
			frappe.qb.from_(works_for)
			.join(link)
			.on((link.link_name == works_for.link_name) & (works_for.link_doctype == "Customer"))
			.where(works_for.parenttype == "Contact")
		)
		queries.append(linked("Customer", works_for.parent, 3, via_customer))
	union = queries[0]
	for query in queries[1:]:
		union = union.union_all(query)
	return union


def count_without_address(target_list: str, member_doctype: str) -> int:
	"""Active members of a list that no letter can reach: one COUNT."""
	member = frappe.qb.DocType("Target List Member")
	reachable = candidates(member_doctype).as_("c")
	return (
		frappe.qb.from_(member)
		.select(Count("*"))
		.where(
			(member.target_list == target_list)
			& (member.status == "Active")
			& member.member.notin(frappe.qb.from_(reachable).select(reachable.member))
		)
	).run()[0][0]


def best_addresses(member_doctype: str, members: list[str]) -> dict[str, dict]:
	"""{member: Address fields} of the best postal address of each of `members` (a chunk)."""
	if not members:
		return {}
	rows = candidates(member_doctype, members).run(as_dict=True)
	chosen: dict[str, tuple] = {}
	for row in rows:
		key = (row.rank, row.address)
		if row.member not in chosen or key < chosen[row.member]:
			chosen[row.member] = key
	names = {address for _rank, address in chosen.values()}
	details = {
		row.name: row
		for row in frappe.get_all("Address", filters={"name": ("in", list(names))}, fields=["*"])
	}
	return {member: details[address] for member, (_rank, address) in chosen.items()}


def address_block(address: dict) -> str:
	"""The address as the country's Address Template prints it (HTML with line breaks)."""
	return render_address(address, check_permissions=False) or ""
