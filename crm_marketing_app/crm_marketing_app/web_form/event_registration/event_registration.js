frappe.ready(function () {
	// The event comes from the invitation link (?campaign=…) and is not for the guest to change.
});
