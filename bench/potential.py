"""Speed of the compiled potential kernels: V and dV/dphi for 10^6 (phi, lam) pairs.

    python bench/potential.py [--num-points 1000000] [--repeats 3]

Prints, per catalogue model and dtype, the best wall time over the repeats for
(a) the numpy front end `Potential.value_and_gradient(phi, lam)` (rows in, rows out, chunked), and
(b) the column-major graph API with precomputed coefficients, as the oracle uses it.
Target (issue 2): 2HDM under 0.5 s on a 2-core CPU.
"""
import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import tensorflow as tf

from bfbnb.models import MODEL_NAMES, get_model
from bfbnb.sampling import sample_sphere


def best_time(function, repeats):
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter(); function(); times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-points", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"value + gradient of {arguments.num_points:,} (phi, lam) pairs; best of {arguments.repeats}; "
          f"{os.cpu_count()} CPU cores, TensorFlow {tf.__version__}")
    print(f"{'model':<17}{'monomials':>10}{'dtype':>9}{'numpy API [s]':>15}{'graph API [s]':>15}{'Mpairs/s':>10}")
    for name in MODEL_NAMES:
        potential = get_model(name).potential
        for dtype in (np.float32, np.float64):
            phi = sample_sphere(arguments.num_points, potential.num_phi, rng).astype(dtype)
            lam = sample_sphere(arguments.num_points, potential.num_lam, rng).astype(dtype)
            front = best_time(lambda: potential.value_and_gradient(phi, lam), arguments.repeats)
            kernel = potential.kernel
            phi_columns, lam_columns = tf.constant(phi.T), tf.constant(lam.T)
            def graph():
                coefficients = kernel.coefficients_columns(lam_columns)
                value, gradient = kernel.value_and_gradient_columns(phi_columns, coefficients)
                return value.numpy(), gradient.numpy()
            columns = best_time(graph, arguments.repeats)
            print(f"{name:<17}{potential.num_monomials:>10}{np.dtype(dtype).name:>9}{front:>15.3f}{columns:>15.3f}"
                  f"{arguments.num_points / front / 1e6:>10.2f}")


if __name__ == "__main__":
    main()
