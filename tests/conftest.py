import os

from hypothesis import HealthCheck, settings

# CI machines are shared and slow: no deadlines there, and a fixed derandomised run so that a
# red build reproduces. Locally the default profile keeps exploring new examples.
settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
