__version__ = "0.1.0"

from crm_marketing_app.host_fixes import apply as _apply_host_fixes

_apply_host_fixes()
