"""Entry points of the background jobs (paths are a contract: docs/architecture.md).

Each is a plain function doing its work synchronously; the scheduler and the
desk enqueue them. The work itself lives in each area's own module.
"""

from crm_marketing_app.automation.runner import run_marketing_triggers  # noqa: F401
from crm_marketing_app.campaign_execution.distribution import distribute_activity  # noqa: F401
from crm_marketing_app.campaigns.rollups import recompute_campaign_rollups  # noqa: F401
from crm_marketing_app.funnels import update_reference_funnels  # noqa: F401
from crm_marketing_app.journeys.runner import run_journeys  # noqa: F401
from crm_marketing_app.offers.personal_coupons import generate_personal_coupons  # noqa: F401
from crm_marketing_app.scoring.bulk import rescore_all  # noqa: F401
from crm_marketing_app.target_lists.members import refresh_dynamic_lists  # noqa: F401
