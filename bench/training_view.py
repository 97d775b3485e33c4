"""Training step time with the witness margin computed at every step (the whole network) against once per round
(`bfbnb.witness.training_view`), side by side in one run, on 2HDM points and the default 5x128 network.

    python bench/training_view.py [--points 30000] [--epochs 8] [--repeats 2]

Both paths start from the same weights and seeds; the script also checks that they give the same losses.
"""
import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras
import numpy as np

from bfbnb.models import get_model
from bfbnb.sampling import sample_sphere
from bfbnb.witness import build_witness_network, training_view, with_proof_gate


def fit_seconds(x, y, directions, epochs, view):
    "Seconds per epoch (after a first, tracing epoch) and the losses of one fit."
    keras.utils.set_random_seed(0)
    model = with_proof_gate(build_witness_network(x.shape[1], directions[:4096], 5, 128, len(x), 0, drop_rate=0.0), directions, 65536)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    trainer, inputs = model, x
    if view:
        trainer, features = training_view(model)
        inputs = features(x)
        trainer.compile(optimizer=model.optimizer, loss="binary_crossentropy")
    trainer.fit(inputs[:1024], y[:1024], epochs=1, batch_size=512, verbose=0)
    start = time.perf_counter()
    history = trainer.fit(inputs, y, epochs=epochs, batch_size=512, verbose=0)
    return (time.perf_counter() - start) / epochs, history.history["loss"]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=30_000)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=2)
    arguments = parser.parse_args()
    model, rng = get_model("2hdm"), np.random.default_rng(0)
    x = sample_sphere(arguments.points, model.potential.num_lam, rng).astype("float32")
    y = model.truth(x).astype("float32")[:, None]
    phis = rng.normal(size=(20_000, model.potential.num_phi))
    directions = model.potential.coupling_vector(phis / np.linalg.norm(phis, axis=1, keepdims=True))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    times = {False: [], True: []}
    for _ in range(arguments.repeats):
        for view in (False, True):
            seconds, losses = fit_seconds(x, y, directions, arguments.epochs, view)
            times[view].append(seconds); times[f"losses {view}"] = losses
    steps = -(-arguments.points // 512)
    for view, label in ((False, "margin at every step"), (True, "training_view")):
        best = min(times[view])
        print(f"{label:<22} {best:6.2f} s/epoch  {1000 * best / steps:6.1f} ms/step  (best of {arguments.repeats})")
    print(f"speed-up {min(times[False]) / min(times[True]):.2f}x; same losses: {times['losses False'] == times['losses True']}")
