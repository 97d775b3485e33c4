"""Dask labelling: identical labels to the local path, and a killed worker loses no label."""
import os
import signal
import threading
import time

import numpy as np
import pytest

from bfbnb.distributed import DaskExecutor
from bfbnb.models import get_model, sample_near_boundary
from bfbnb.oracle import Oracle

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster_client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        client.run(lambda: __import__("bfbnb.oracle"))  # import TensorFlow in the workers once
        yield client


@pytest.mark.slow
def test_dask_labels_equal_local_labels(cluster_client):
    model = get_model("gm")
    points = sample_near_boundary(model.truth, 5, 600, np.random.default_rng(0))
    local = Oracle(model.potential, 20, seed=11, chunk_size=64).label(points)
    remote = Oracle(model.potential, 20, seed=11, chunk_size=64).label(points, executor=DaskExecutor(cluster_client))
    assert np.array_equal(local.labels, remote.labels) and np.array_equal(local.certain, remote.certain)
    assert np.allclose(local.min_values, remote.min_values, rtol=1e-9, atol=1e-12)


@pytest.mark.slow
def test_killed_worker_chunk_is_recomputed(cluster_client):
    model = get_model("2hdm")
    points = sample_near_boundary(model.truth, 10, 3000, np.random.default_rng(1))
    local = Oracle(model.potential, 60, seed=12, chunk_size=150, use_cache=False).label(points)
    oracle = Oracle(model.potential, 60, seed=12, chunk_size=150, use_cache=False)
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.update(result=oracle.label(points, executor=DaskExecutor(cluster_client))))
    worker.start()
    victim, deadline = None, time.time() + 120
    while victim is None and time.time() < deadline:  # wait until a worker is busy with a chunk
        busy = [address for address, tasks in cluster_client.processing().items()
                if any("label_chunk_task" in str(task) for task in tasks)]
        if busy:
            victim = busy[0]
        time.sleep(0.05)
    assert victim is not None, "no chunk was ever being processed"
    pid = cluster_client.run(os.getpid, workers=[victim])[victim]
    os.kill(pid, signal.SIGKILL)
    worker.join(timeout=600)
    assert not worker.is_alive()
    assert pid not in cluster_client.run(os.getpid).values()  # the victim is gone (its nanny started a new one)
    remote = outcome["result"]
    assert len(remote) == len(points)
    assert np.array_equal(remote.labels, local.labels) and np.array_equal(remote.certain, local.certain)
    assert np.allclose(remote.min_values, local.min_values, rtol=1e-9, atol=1e-12)


SCRIPT = """
import numpy as np
from bfbnb.models import get_model
from bfbnb.distributed import DaskExecutor
from bfbnb.oracle import Oracle
from bfbnb.sampling import sample_sphere
model = get_model("inert_2hdm")
points = sample_sphere(200, 5, np.random.default_rng(0))
result = Oracle(model.potential, 10, seed=0).label(points, executor=DaskExecutor({client!r}))
print("LABELLED", int(result.labels.sum()), bool((result.labels == model.truth(points)).all()))
"""


@pytest.mark.slow
def test_local_client_works_from_a_plain_script_and_processes_say_what_to_add(tmp_path):
    import subprocess
    import sys
    script = tmp_path / "scan.py"  # no `if __name__ == "__main__":` guard, as people write scripts
    script.write_text(SCRIPT.format(client="local"))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "LABELLED" in result.stdout and result.stdout.strip().endswith("True"), result.stderr[-2000:]
    script.write_text(SCRIPT.format(client="processes"))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and 'if __name__ == "__main__":' in result.stderr.splitlines()[-1]
