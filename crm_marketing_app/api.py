"""Whitelisted API whose paths are a contract (docs/architecture.md); the work lives in each area's own module."""

from crm_marketing_app.campaign_execution.tracking import track  # noqa: F401
from crm_marketing_app.campaign_execution.web_tracking import beacon  # noqa: F401
from crm_marketing_app.journeys.desk import enrol_in_journey  # noqa: F401
from crm_marketing_app.scoring.explain import explain_score  # noqa: F401
