import os

from hypothesis import HealthCheck, settings

# Imported here so a missing backend fails once, at collection, with the
# message from tests/backend.py rather than once per test module.
from tests.backend import BACKEND, backend

# Every property's first example pays for compilation, hence no deadline.
settings.register_profile(
    "default",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_report_header(config):
    version = getattr(backend, "__version__", "?")
    return f"compiler under test: {BACKEND} {version} (FERRUMBA_TEST_BACKEND)"
