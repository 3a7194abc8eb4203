"""The source kit: protocols checked as packages load, one lock per source, retries, the business day."""

from __future__ import annotations

import sys
import types
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ContractError, RunInProgress, SourceNotConfigured
from core.locking import source_lock
from core.registry import load_registry
from core.retry import Transient, with_retries
from core.settings import SourceSettings, load_source_settings, today_in_london
from core.source_kit import Connector, Sandbox, checked, problems


def module(name: str, **members: object) -> types.ModuleType:
    made = types.ModuleType(name)
    made.__dict__.update(members)
    sys.modules[name] = made
    return made


def test_every_registered_source_offers_both_protocols():
    for entry in load_registry().values():
        assert problems(checked(entry.name, "connector", entry.connector, Connector), Connector) == []
        assert problems(checked(entry.name, "sandbox", entry.sandbox, Sandbox), Sandbox) == []


def test_a_missing_member_is_named_with_the_source():
    module("kit_test_half", load_settings=lambda **overrides: None)
    with pytest.raises(ContractError, match=r"source parking: .*kit_test_half.*no ingest\(\)"):
        checked("parking", "connector", "kit_test_half", Connector)


def test_a_member_without_the_protocols_parameters_is_named():
    module("kit_test_narrow", load_settings=lambda **overrides: None, ingest=lambda settings: None)
    with pytest.raises(ContractError, match=r"ingest\(\) has no parameter 'workspace'"):
        checked("parking", "connector", "kit_test_narrow", Connector)


def test_an_unimportable_package_says_which_registry_key():
    with pytest.raises(ContractError, match=r"source parking: its sandbox 'sandbox.no_such_thing'"):
        checked("parking", "sandbox", "sandbox.no_such_thing", Sandbox)


def test_one_run_per_source_and_the_refusal_names_the_holder(tmp_path):
    with source_lock(tmp_path, "tascomi"):
        with pytest.raises(RunInProgress, match=r"pid \d+"), source_lock(tmp_path, "tascomi"):
            pass
        with source_lock(tmp_path, "academy"):  # another source is not blocked
            pass
    with source_lock(tmp_path, "tascomi"):  # released on exit
        pass


@given(
    answers=st.lists(st.sampled_from(["ok", "transient", "fatal"]), min_size=1, max_size=8),
    attempts=st.integers(1, 6),
    asked=st.one_of(st.none(), st.integers(0, 1000)),
)
def test_retries_stop_at_the_attempts_and_only_for_transient_faults(answers, attempts, asked):
    calls: list[int] = []
    waits: list[float] = []
    said: list[str] = []

    def call() -> str:
        answer = answers[min(len(calls), len(answers) - 1)]
        calls.append(1)
        if answer == "transient":
            raise Transient("HTTP 503", asked)
        if answer == "fatal":
            raise ValueError("no")
        return answer

    try:
        outcome = with_retries(call, attempts=attempts, backoff_s=1.0, max_retry_after_s=60, sleep=waits.append,
                               on_wait=said.append, label="t")  # fmt: skip
    except (Transient, ValueError) as error:
        outcome = type(error).__name__
    # the answers the retrier saw: transient ones until a non-transient one or the attempts run out
    seen = []
    for number in range(attempts):
        answer = answers[min(number, len(answers) - 1)]
        seen.append(answer)
        if answer != "transient":
            break
    expected = {"ok": "ok", "fatal": "ValueError", "transient": "Transient"}[seen[-1]]
    assert outcome == expected and len(calls) == len(seen)
    assert len(waits) == len(seen) - 1
    for number, wait in enumerate(waits, start=1):
        assert wait == (min(asked, 60) if asked is not None else 2 ** (number - 1))
    assert len(said) == (len(waits) if asked is not None and asked > 60 else 0)


def test_the_business_day_is_london_and_never_in_the_future(monkeypatch):
    assert SourceSettings().business_day() == today_in_london()
    assert SourceSettings(today=date(2025, 3, 3)).business_day() == date(2025, 3, 3)
    tomorrow = today_in_london() + timedelta(days=1)
    with pytest.raises(SourceNotConfigured, match="SOURCES__PARKING__TODAY"):
        load_source_settings(SourceSettings, "parking", today=tomorrow)


def test_a_connectors_spec_inherits_the_business_day_as_optional():
    """The spec's module need not import `date` for the inherited field to stay optional (dlt reads its type)."""
    from ingestion.gazetteer.settings import load_settings

    settings = load_settings(landing_root="/nowhere")
    assert settings.business_day() == today_in_london() and settings.today is None
