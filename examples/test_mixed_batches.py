"""Property: every generated batch of writable, foreign and unknown incidents keeps the contract.

The strategy repeats ids and sends right, wrong, null or no workspace hints, and it knows
the outcome C20 expects for each id; ``bulk_update_example`` sends that expectation along
with the request, so ``cf_check`` judges every clause, C16, C17 and C20 included.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from strategies import bulk_update_requests


# A real server answers in milliseconds, not microseconds: no deadline. The cf_* fixtures
# are session-scoped, so Hypothesis's function-scoped-fixture health check stays quiet.
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_generated_mixed_batches_keep_the_contract(cf_client, cf_sandbox, cf_check, data):
    # The sandbox is known only once the target is loaded, so the strategy is built here.
    batch = data.draw(bulk_update_requests(cf_sandbox, max_items=10), label="batch")

    cf_check(cf_client.bulk_update_example(batch))
