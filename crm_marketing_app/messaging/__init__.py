"""The messaging layer: every marketing mail of the app goes through here.

- `templates`: an Email Template compiled once, rendered per person;
- `outbox`: personalised mails written in bulk into Frappe's own Email Queue, which
  Frappe's scheduler (`frappe.email.queue.flush`) sends as it sends any mail;
- `eligibility`: who may be messaged on a channel (unsubscribes, bounces, consent, the weekly cap);
- `bounces`: hard and soft bounces from SMTP errors and delivery-status notifications;
- `links` and `preferences`: signed preference and confirmation links, and their public pages.
"""
