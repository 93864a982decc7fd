"""Campaign Responses are titled by the respondent's name: fill the names missing so far."""

from crm_marketing_app.campaign_execution.responses import fill_respondent_names


def execute():
	fill_respondent_names()
