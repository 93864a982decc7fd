// Website tracking (crm_marketing_app): one beacon per page view and per file link clicked.
// The visitor is named by an HttpOnly cookie only the server reads; this script knows nobody.
(function () {
	var script = document.currentScript;
	var key = (script && script.dataset.key) || {{ site_key | tojson }};
	if (!key || window.crm_web_tracking || navigator.doNotTrack === "1") return;
	window.crm_web_tracking = true;
	var origin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
	var endpoint = origin + "/api/method/crm_marketing_app.api.beacon";

	function send(kind, url) {
		var fields = { k: key, u: url, e: kind };
		// A logged-in visitor's POST needs the session's CSRF token (set on this site's own pages only).
		var csrf = origin === location.origin && window.frappe && window.frappe.csrf_token;
		if (csrf && csrf !== "None") fields.csrf_token = csrf;
		var body = new URLSearchParams(fields);
		if (navigator.sendBeacon && navigator.sendBeacon(endpoint, body)) return;
		fetch(endpoint, { method: "POST", body: body, credentials: "include", keepalive: true });
	}

	// After the page is parsed: Frappe sets its CSRF token in a script below this one.
	if (document.readyState === "loading") {
		document.addEventListener("DOMContentLoaded", function () {
			send("view", location.href);
		});
	} else {
		send("view", location.href);
	}
	// The server decides which extensions are downloads; pages (.html, .php …) are views, not files.
	document.addEventListener(
		"click",
		function (event) {
			var link = event.target.closest && event.target.closest("a[href]");
			if (!link || !/^https?:$/.test(link.protocol)) return;
			var name = link.pathname.split("/").pop();
			if (link.hasAttribute("download") || /\.\w{1,6}$/.test(name) && !/\.(html?|php|aspx?|jsp)$/i.test(name)) {
				send("download", link.href);
			}
		},
		true
	);
})();
