"""Tests for deterministic sharding (`econtract_async._bulk.sharding`)."""

from __future__ import annotations

import pytest

from econtract_async._bulk import Shard
from econtract_async._exceptions import ConfigurationError


class TestShard:
    def test_three_shards_cover_every_position_exactly_once(self) -> None:
        """Every position belongs to exactly one of the shards 0/3, 1/3, 2/3."""
        shards = [Shard(i, 3) for i in range(3)]
        for position in range(1000):
            assert sum(shard.owns(position) for shard in shards) == 1

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("1/4", Shard(1, 4)),
            ((2, 3), Shard(2, 3)),
            (None, Shard(0, 1)),
            (Shard(0, 2), Shard(0, 2)),
        ],
    )
    def test_parse_accepts_text_pairs_and_shards(self, value: object, expected: Shard) -> None:
        """`i/n`, `(i, n)`, a Shard and None are all understood."""
        assert Shard.parse(value) == expected  # type: ignore[arg-type]

    @pytest.mark.parametrize("value", ["3/3", "1/0", "-1/2", "a/b", "2"])
    def test_impossible_shards_are_refused(self, value: str) -> None:
        """Only 0 <= i < n is a shard."""
        with pytest.raises(ConfigurationError, match="shard"):
            Shard.parse(value)

    def test_str_is_the_cli_form(self) -> None:
        """A shard prints as i/n."""
        assert str(Shard(1, 3)) == "1/3"
