"""The property tests run under the "ci" Hypothesis profile unless HYPOTHESIS_PROFILE says otherwise."""

import os

from hypothesis import HealthCheck, settings


def test_the_ci_profile_is_loaded_by_default():
    if os.environ.get("HYPOTHESIS_PROFILE", "ci") != "ci":
        return
    assert settings.default.deadline is None
    assert HealthCheck.too_slow in settings.default.suppress_health_check
