"""Tests of `econtract_async.sandbox._faults`."""

from __future__ import annotations

import threading

import pytest

from econtract_async.sandbox import Faults
from econtract_async.sandbox._faults import FaultInjector


class TestFaults:
    """The fault description and its JSON form."""

    def test_defaults_inject_nothing(self) -> None:
        """A default injector lets every request through untouched."""
        injector = FaultInjector()
        decisions = {injector.decide() for _ in range(50)}
        assert len(decisions) == 1
        (decision,) = decisions
        assert (decision.status, decision.drop, decision.slow_chunks, decision.latency) == (
            None,
            False,
            0,
            0.0,
        )

    @pytest.mark.parametrize(
        "settings",
        [
            {"error_rates": {404: 0.5}},
            {"error_rates": {503: 1.5}},
            {"error_rates": {500: 0.6, 503: 0.6}},
            {"drop_rate": -0.1},
            {"latency": (2.0, 1.0)},
            {"latency": -1.0},
            {"script": ("503", "boom")},
            {"slow_body_chunks": 0},
        ],
    )
    def test_out_of_range_settings_are_refused(self, settings: dict[str, object]) -> None:
        """Impossible settings raise ValueError at construction."""
        with pytest.raises(ValueError):  # noqa: PT011 - the messages differ per setting
            Faults(**settings)  # type: ignore[arg-type]

    def test_json_round_trip_keeps_every_setting(self) -> None:
        """to_json and from_json are inverse, latency ranges and statuses included."""
        faults = Faults(latency=(0.1, 0.2), error_rates={503: 0.25}, script=("429", "ok"), seed=9)
        assert Faults.from_json(faults.to_json()) == faults

    def test_from_json_changes_only_the_given_keys(self) -> None:
        """A partial update keeps the other settings of the base."""
        base = Faults(drop_rate=0.5, seed=3)
        assert Faults.from_json({"rate_limit_rate": 0.1}, base=base) == Faults(
            drop_rate=0.5, seed=3, rate_limit_rate=0.1
        )

    def test_from_json_refuses_unknown_keys(self) -> None:
        """A misspelt setting is an error, not silently ignored."""
        with pytest.raises(ValueError, match="unknown fault settings"):
            Faults.from_json({"drop_rte": 1})


class TestFaultInjector:
    """Per-request decisions."""

    def test_script_is_consumed_in_order_before_random_draws(self) -> None:
        """Scripted steps apply to the next requests, one each, then nothing more."""
        injector = FaultInjector(Faults(script=("503", "drop", "slow", "429", "ok")))
        first, second, third, fourth, fifth, sixth = (injector.decide() for _ in range(6))
        assert first.status == 503
        assert second.drop
        assert third.slow_chunks == 4
        assert (fourth.status, fourth.retry_after) == (429, 1)
        assert fifth.status is None
        assert sixth.status is None
        assert not sixth.drop
        assert injector.current.script == ()

    def test_certain_error_rate_always_fails(self) -> None:
        """An error rate of 1 fails every request with that status."""
        injector = FaultInjector(Faults(error_rates={502: 1.0}))
        assert {injector.decide().status for _ in range(20)} == {502}

    def test_rate_limit_carries_retry_after(self) -> None:
        """A 429 decision carries the configured Retry-After."""
        injector = FaultInjector(Faults(rate_limit_rate=1.0, retry_after=7))
        decision = injector.decide()
        assert (decision.status, decision.retry_after) == (429, 7)

    def test_same_seed_gives_same_sequence(self) -> None:
        """Random faults are reproducible from their seed."""
        faults = Faults(
            error_rates={500: 0.2, 503: 0.2}, drop_rate=0.3, latency=(0.0, 1.0), seed=42
        )
        one, two = FaultInjector(faults), FaultInjector(faults)
        assert [one.decide() for _ in range(100)] == [two.decide() for _ in range(100)]

    def test_random_rates_produce_a_mix(self) -> None:
        """Fractional rates fail some requests and pass others."""
        injector = FaultInjector(Faults(error_rates={500: 0.3}, seed=1))
        statuses = [injector.decide().status for _ in range(200)]
        assert 500 in statuses
        assert None in statuses

    def test_latency_range_stays_within_bounds(self) -> None:
        """Random latency is drawn within the configured range."""
        injector = FaultInjector(Faults(latency=(0.5, 0.75)))
        assert all(0.5 <= injector.decide().latency <= 0.75 for _ in range(100))

    def test_update_and_reset(self) -> None:
        """update changes some settings, reset clears them all."""
        injector = FaultInjector(Faults(drop_rate=1.0))
        assert injector.update(retry_after=3) == Faults(drop_rate=1.0, retry_after=3)
        assert injector.reset() == Faults()
        assert not injector.decide().drop

    def test_changes_from_other_threads_are_seen(self) -> None:
        """Faults set from another thread apply to the next decision."""
        injector = FaultInjector()
        thread = threading.Thread(target=injector.update, kwargs={"error_rates": {503: 1.0}})
        thread.start()
        thread.join()
        assert injector.decide().status == 503
