frappe.ready(function () {
	// The list comes from the subscription link (?target_list=…) and is not for the guest to change.
});
