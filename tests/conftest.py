import faulthandler
import os

import pytest
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
# CI replays the same examples on every run (`.ci/run` selects it): a landing must not
# hinge on what a random draw happened to find.  Local runs keep exploring.
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_report_header(config):
    version = getattr(backend, "__version__", "?")
    return f"compiler under test: {BACKEND} {version} (FERRUMBA_TEST_BACKEND)"


# A miscompiled loop can spin forever, with the GIL held.  Rather than hang
# the session, a C-level watchdog dumps every thread's traceback (naming the
# test) and exits.  0 disables it.
TEST_TIMEOUT = float(os.environ.get("FERRUMBA_TEST_TIMEOUT", "300"))


def _uncaptured_stderr_fd(config):
    # With fd capturing, fd 2 is a temporary file while a test runs and
    # would vanish with the process; write to the terminal's stderr instead.
    try:
        fd = config.pluginmanager.getplugin("capturemanager")._global_capturing.err.targetfd_save
        return fd if isinstance(fd, int) else 2
    except AttributeError:
        return 2


@pytest.fixture(autouse=True)
def _hang_watchdog(request):
    if TEST_TIMEOUT > 0:
        faulthandler.dump_traceback_later(TEST_TIMEOUT, exit=True, file=_uncaptured_stderr_fd(request.config))
    yield
    faulthandler.cancel_dump_traceback_later()
