"""Oracle throughput and accuracy: labels/s on uniform and near-boundary points, cold and warm witness cache.

    python bench/oracle.py [--num-points 2000] [--models 2hdm gm 3hdm_z2z2 precustodial_gm] [--restarts 25 100 250]

(a) uniform points on the coupling sphere; (b) points straddling the BFB boundary, made by bisecting arcs
between BFB and non-BFB points (exact truth where the model has one, else a 250-restart oracle) and hopping
0.02 rad around the boundary points, about half BFB. 'cold' is a fresh oracle without the cache; 'warm'
first labels 10,000 uniform points to fill the witness cache. Errors are against the exact truth.
Reference: BFBrain 1.1 labels uniform 2HDM points at about 42/s (100 restarts) on this 2-core CPU.
"""
import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from bfbnb.models import get_model, sample_near_boundary
from bfbnb.oracle import Oracle
from bfbnb.sampling import sample_sphere
from record import save_results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-points", type=int, default=2000)
    parser.add_argument("--models", nargs="+", default=["2hdm", "gm", "3hdm_z2z2", "precustodial_gm"])
    parser.add_argument("--restarts", nargs="+", type=int, default=[25, 100, 250])
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    rng = np.random.default_rng(arguments.seed)
    rows = []
    print(f"{'model':<16}{'sample':<9}{'BFB':>6}{'restarts':>9}{'cache':>6}{'labels/s':>10}{'from cache':>11}"
          f"{'false BFB':>10}{'false non-BFB':>14}")
    for name in arguments.models:
        model = get_model(name)
        potential, dim = model.potential, model.potential.num_lam
        reference = Oracle(potential, 250, seed=99)  # classifies for bisection where no exact truth exists
        classify = model.truth or (lambda points: reference.label(points).labels)
        samples = {"uniform": sample_sphere(arguments.num_points, dim, rng),
                   "near": sample_near_boundary(classify, dim, arguments.num_points, rng, num_centers=200,
                                             pool_size=100_000 if model.truth else 10_000)}
        exact = {label: model.truth(points) if model.truth else None for label, points in samples.items()}
        warm_up = sample_sphere(10_000, dim, rng)
        for restarts in arguments.restarts:
            for cache in ("cold", "warm"):
                oracle = Oracle(potential, restarts, seed=arguments.seed, use_cache=cache == "warm")
                oracle.label(warm_up if cache == "warm" else warm_up[:20]) # fills the cache / traces the graphs
                for label, points in samples.items():
                    result = oracle.label(points)
                    truth = exact[label]
                    false_bfb = "-" if truth is None else int((result.labels & ~truth).sum())
                    false_non = "-" if truth is None else int((~result.labels & truth).sum())
                    print(f"{name:<16}{label:<9}{result.labels.mean():>6.1%}{restarts:>9}{cache:>6}{result.labels_per_second:>10,.0f}"
                          f"{result.from_cache.mean():>11.1%}{false_bfb:>10}{false_non:>14}", flush=True)
                    rows.append({"model": name, "sample": label, "BFB": f"{result.labels.mean():.1%}", "restarts": restarts, "cache": cache,
                                 "labels/s": round(result.labels_per_second), "false BFB": false_bfb, "false non-BFB": false_non})
    print(f"saved {save_results('oracle', 'Oracle speed and accuracy', rows, 'false BFB / false non-BFB: against the exact truth (- where none is known)')}")


if __name__ == "__main__":
    main()
