"""Monte-Carlo inference throughput of a 5x128 concrete-dropout network on 10-dimensional inputs.

    python bench/mc.py [--num-points 500000] [--num-samples 100] [--backends tensorflow jax]

For each Keras backend (each in its own process, since the backend is fixed at import), times
`bfbnb.network.mc_mean` over num_points x num_samples and prints point-samples per second, the achieved
FLOP rate of the network's matrix products, the same backend's dense float32 matmul FLOP rate measured
in the same process, their ratio, and the process's peak resident memory.
Targets (issue 4): TensorFlow >= 400,000 point-samples/s on a 2-core CPU, >= 50 % of the matmul rate,
peak memory <= 2 GB.
"""
import argparse
import json
import os
import subprocess
import sys
import time


def matmul_flops(backend, size=2048, repeats=10):
    "Dense float32 matmul FLOP/s of the backend, best of `repeats`."
    import numpy as np
    a = np.random.default_rng(0).normal(size=(size, size)).astype("float32")
    if backend == "tensorflow":
        import tensorflow as tf
        x = tf.constant(a)
        run = lambda: tf.matmul(x, x).numpy()
    else:
        import jax, jax.numpy as jnp
        x = jnp.asarray(a)
        product = jax.jit(lambda m: m @ m)
        run = lambda: product(x).block_until_ready()
    run()
    best = min(_timed(run) for _ in range(repeats))
    return 2 * size**3 / best


def _timed(function):
    start = time.perf_counter(); function(); return time.perf_counter() - start


def worker(backend, num_points, num_samples):
    os.environ["KERAS_BACKEND"] = backend
    import resource
    import numpy as np
    from bfbnb.network import build_network, mc_mean
    model = build_network(10, num_layers=5, units=128, seed=0)
    x = np.random.default_rng(0).normal(size=(num_points, 10)).astype("float32")
    mc_mean(model, x[:1000], num_samples) # compile
    seconds = _timed(lambda: mc_mean(model, x, num_samples))
    flops_per_sample = 2 * (10 * 128 + 4 * 128 * 128 + 128)
    rate = num_points * num_samples / seconds
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2 # GiB (ru_maxrss is in KiB on Linux)
    print(json.dumps({"backend": backend, "seconds": seconds, "rate": rate, "achieved": rate * flops_per_sample,
                      "matmul": matmul_flops(backend), "peak_gib": peak}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-points", type=int, default=500_000)
    parser.add_argument("--num-samples", type=int, default=100)
    parser.add_argument("--backends", nargs="+", default=["tensorflow", "jax"])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker: return worker(arguments.worker, arguments.num_points, arguments.num_samples)
    print(f"MC inference, 5x128 concrete-dropout network, {arguments.num_points:,} points x {arguments.num_samples} samples, {os.cpu_count()} cores")
    rows = []
    print(f"{'backend':<11}{'seconds':>9}{'point-samples/s':>17}{'net GFLOP/s':>13}{'matmul GFLOP/s':>16}{'ratio':>7}{'peak GiB':>10}")
    for backend in arguments.backends:
        environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "KERAS_BACKEND": backend}
        output = subprocess.run([sys.executable, __file__, "--worker", backend, "--num-points", str(arguments.num_points),
                                 "--num-samples", str(arguments.num_samples)], capture_output=True, text=True, env=environment)
        lines = [line for line in output.stdout.splitlines() if line.startswith("{")]
        if output.returncode or not lines:
            print(f"{backend:<11} failed:\n{output.stderr[-2000:]}"); continue
        r = json.loads(lines[-1])
        print(f"{backend:<11}{r['seconds']:>9.1f}{r['rate']:>17,.0f}{r['achieved'] / 1e9:>13.1f}{r['matmul'] / 1e9:>16.1f}"
              f"{r['achieved'] / r['matmul']:>7.0%}{r['peak_gib']:>10.2f}")
        rows.append({"backend": backend, "seconds": round(r["seconds"], 1), "point-samples/s": round(r["rate"]), "net GFLOP/s": round(r["achieved"] / 1e9, 1),
                     "matmul GFLOP/s": round(r["matmul"] / 1e9, 1), "peak GiB": round(r["peak_gib"], 2)})
    from record import save_results
    print(f"saved {save_results('mc', 'Monte-Carlo inference throughput', rows, f'5x128 concrete-dropout network, {arguments.num_points:,} points x {arguments.num_samples} samples')}")


if __name__ == "__main__":
    main()
