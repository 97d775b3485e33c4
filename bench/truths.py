"""Exact BFB conditions: agreement with brute-force minimisation, and uniform-sphere BFB fractions.

    python bench/truths.py [--num-uniform 20000] [--num-near 5000] [--seed 0]

For each model with an exact truth, labels uniform points and points straddling the boundary both by the
truth and by multi-start minimisation on the sphere (`bfbnb.minimise`, 48 random starts plus the axes),
and prints the disagreements and how close to the boundary they are (|min V| found). Then prints the BFB
fraction of 10^6 uniform points by the truth, with its time.
"""
import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from bfbnb.minimise import minimise_on_sphere
from bfbnb.models import get_model, sample_near_boundary
from bfbnb.sampling import sample_sphere


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-uniform", type=int, default=20_000)
    parser.add_argument("--num-near", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    rng = np.random.default_rng(arguments.seed)
    print(f"{'model':<12}{'sample':<10}{'points':>8}{'BFB':>8}{'disagree':>10}{'max |min V| at disagreement':>30}{'brute force [s]':>17}")
    for name in ("2hdm", "inert_2hdm", "gm"):
        model = get_model(name)
        dim = model.potential.num_lam
        samples = {"uniform": sample_sphere(arguments.num_uniform, dim, rng),
                   "near": sample_near_boundary(model.truth, dim, arguments.num_near, rng)}
        for label, points in samples.items():
            start = time.perf_counter()
            found = minimise_on_sphere(model.potential, points, rng, num_starts=48)
            seconds = time.perf_counter() - start
            exact = model.truth(points)
            disagree = exact != (found.values > 0)
            worst = f"{np.abs(found.values[disagree]).max():.2e}" if disagree.any() else "-"
            print(f"{name:<12}{label:<10}{len(points):>8}{exact.mean():>8.2%}{int(disagree.sum()):>10}{worst:>30}{seconds:>17.1f}")
    print()
    for name in ("2hdm", "inert_2hdm", "gm"):
        model = get_model(name)
        points = sample_sphere(1_000_000, model.potential.num_lam, rng)
        start = time.perf_counter(); fraction = model.truth(points).mean(); seconds = time.perf_counter() - start
        error = np.sqrt(fraction * (1 - fraction) / len(points))
        print(f"{name:<12} uniform-sphere BFB fraction {fraction:.4%} +- {error:.4%} (10^6 points, truth in {seconds:.2f} s)")


if __name__ == "__main__":
    main()
