"""The evidence engine: effect sizes, meta-analysis, evidence ratings and promising practice.

Pure: NumPy, SciPy and statsmodels only, never Django. Names follow R's metafor so a meta-analyst recognises
them (`ai, bi, ci, di`, `m1i, sd1i, n1i`, `yi, vi`, `method="REML"`, `test="knha"`).
"""

from .conversions import SuccessRate, log_odds_ratio_to_smd, smd_to_log_odds_ratio, success_rate
from .effect_sizes import (
    MEASURE_LABELS,
    REQUIRED_COLUMNS,
    EffectSizes,
    Measure,
    compute,
    generic,
    log_odds_ratio,
    log_risk_ratio,
    mean_difference,
    risk_difference,
    standardized_mean_difference,
)
from .errors import EvidenceInputError
from .further import further_analyses
from .meta import (
    METHOD_LABELS,
    EggerTest,
    LeaveOneOut,
    MetaAnalysis,
    MetaRegression,
    Method,
    MultiRegression,
    SubgroupAnalysis,
    egger_test,
    leave_one_out,
    meta_analysis,
    meta_regression,
    meta_regression_multi,
    moderator_test,
    subgroups,
)
from .tables import read_table

__all__ = [
    "MEASURE_LABELS",
    "METHOD_LABELS",
    "REQUIRED_COLUMNS",
    "EffectSizes",
    "EggerTest",
    "EvidenceInputError",
    "LeaveOneOut",
    "Measure",
    "MetaAnalysis",
    "MetaRegression",
    "Method",
    "MultiRegression",
    "SubgroupAnalysis",
    "SuccessRate",
    "compute",
    "egger_test",
    "further_analyses",
    "generic",
    "leave_one_out",
    "log_odds_ratio",
    "log_odds_ratio_to_smd",
    "log_risk_ratio",
    "mean_difference",
    "meta_analysis",
    "meta_regression",
    "meta_regression_multi",
    "moderator_test",
    "read_table",
    "risk_difference",
    "smd_to_log_odds_ratio",
    "standardized_mean_difference",
    "subgroups",
    "success_rate",
]
