"""Read replicas (core/db.py) against a real PostgreSQL primary and a streaming replica started here on
loopback (scripts/pgcluster.py), whatever database the rest of the suite runs on. The scenario runs in its own
process (tests/replica_scenario.py), because the replica is configured in settings at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from pgcluster import PgServer  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    primary = PgServer.create()
    primary.createdb("gonghui")
    replica = primary.replica()
    yield primary, replica
    replica.destroy()
    primary.destroy()


@pytest.fixture(scope="module")
def scenario(cluster, tmp_path_factory):
    primary, replica = cluster
    env = {
        **os.environ,
        "DATABASE_URL": primary.url("gonghui"),
        "DATABASE_REPLICA_URLS": replica.url("gonghui"),
        "GONGHUI_VAR_DIR": str(tmp_path_factory.mktemp("replica-var")),
        "REPLICA_DATADIR": str(replica.datadir),
        "REPLICA_PORT": str(replica.port),
        "ALLOWED_HOSTS": "testserver",
        "PYTHONWARNINGS": "ignore",
        "LOG_LEVEL": "ERROR",
        "REQUEST_LOG_LEVEL": "ERROR",
    }
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "replica_scenario.py")], env=env,
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_reads_lists_from_the_replica_and_details_from_the_primary(scenario):
    assert scenario["replica_is_a_standby"] is True
    assert scenario["health_sees_a_streaming_standby"] is True
    assert scenario["list_shows_existing"] is True
    assert scenario["list_reads_the_replica"] is True
    assert scenario["detail_reads_the_primary"] is True


def test_a_user_reads_their_own_write_at_once_while_others_may_lag(scenario):
    assert scenario["write_redirects"] is True
    assert scenario["write_pins_the_writer"] is True
    assert scenario["writer_sees_own_write"] is True
    assert scenario["others_read_the_replica"] is True
    assert scenario["others_see_it_once_replayed"] is True


def test_a_lagging_or_stopped_replica_is_left_out(scenario):
    assert scenario["lagging_replica_left_out"] is True
    assert scenario["replica_down_page_answers"] is True
