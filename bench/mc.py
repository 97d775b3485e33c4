"""Monte-Carlo inference throughput of a 5x128 concrete-dropout network on 10-dimensional inputs.

    python bench/mc.py [--num-points 500000] [--num-samples 100] [--backends tensorflow jax] [--max-rows 262144 default]

For each Keras backend (each in its own process, since the backend is fixed at import), times
`bfbnb.network.mc_mean` over num_points x num_samples, once per chunking (`--max-rows`: point-samples per chunk;
`default` is bfbnb.network.activation_rows, the widest layer's activations within 31 MiB; 262144 = 2^18 was the
default before), and prints point-samples per second, the achieved FLOP rate of the network's matrix products, the
same backend's dense float32 matmul FLOP rate measured in the same process, their ratio, the system CPU seconds
(fresh pages mapped and zeroed for large blocks), whether every chunking gave the same numbers to the bit (same
dropout draws), and the process's peak resident memory.
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


def worker(backend, num_points, num_samples, chunkings):
    os.environ["KERAS_BACKEND"] = backend
    import resource
    import keras
    import numpy as np
    from bfbnb.network import activation_rows, build_network, concrete_layers, iter_mc_samples, mc_mean
    model = build_network(10, num_layers=5, units=128, seed=0)
    x = np.random.default_rng(0).normal(size=(num_points, 10)).astype("float32")
    mc_mean(model, x[:1000], num_samples) # compile
    start_states = [keras.ops.convert_to_numpy(layer.seed_generator.state) for layer in concrete_layers(model)]
    flops_per_sample = 2 * (10 * 128 + 4 * 128 * 128 + 128)
    matmul, first = matmul_flops(backend), None
    for chunking in chunkings:
        rows = activation_rows(model) if chunking == "default" else int(chunking)
        for layer, state in zip(concrete_layers(model), start_states): layer.seed_generator.state.assign(state) # the same draws every time
        before, clock = resource.getrusage(resource.RUSAGE_SELF).ru_stime, time.perf_counter()
        means = np.concatenate([samples.mean(axis=1) for _, samples in iter_mc_samples(model, x, num_samples, max_rows=rows)])
        seconds, system = time.perf_counter() - clock, resource.getrusage(resource.RUSAGE_SELF).ru_stime - before
        first = means if first is None else first
        rate = num_points * num_samples / seconds
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2 # GiB (ru_maxrss is in KiB on Linux)
        print(json.dumps({"backend": backend, "chunking": f"{chunking} ({rows:,} rows)", "seconds": seconds, "system": system, "rate": rate,
                          "achieved": rate * flops_per_sample, "matmul": matmul, "same": bool(np.array_equal(means, first)), "peak_gib": peak}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-points", type=int, default=500_000)
    parser.add_argument("--num-samples", type=int, default=100)
    parser.add_argument("--backends", nargs="+", default=["tensorflow", "jax"])
    parser.add_argument("--max-rows", nargs="+", default=[str(2**18), "default"], help="point-samples per chunk, or 'default' (activation_rows)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker: return worker(arguments.worker, arguments.num_points, arguments.num_samples, arguments.max_rows)
    print(f"MC inference, 5x128 concrete-dropout network, {arguments.num_points:,} points x {arguments.num_samples} samples, {os.cpu_count()} cores")
    rows = []
    print(f"{'backend':<11}{'chunk':>26}{'seconds':>9}{'system s':>10}{'point-samples/s':>17}{'net GFLOP/s':>13}{'matmul GFLOP/s':>16}{'ratio':>7}{'same':>6}{'peak GiB':>10}")
    for backend in arguments.backends:
        environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "KERAS_BACKEND": backend}
        output = subprocess.run([sys.executable, __file__, "--worker", backend, "--num-points", str(arguments.num_points),
                                 "--num-samples", str(arguments.num_samples), "--max-rows", *arguments.max_rows], capture_output=True, text=True, env=environment)
        lines = [line for line in output.stdout.splitlines() if line.startswith("{")]
        if output.returncode or not lines:
            print(f"{backend:<11} failed:\n{output.stderr[-2000:]}"); continue
        for r in map(json.loads, lines):
            print(f"{backend:<11}{r['chunking']:>26}{r['seconds']:>9.1f}{r['system']:>10.1f}{r['rate']:>17,.0f}{r['achieved'] / 1e9:>13.1f}{r['matmul'] / 1e9:>16.1f}"
                  f"{r['achieved'] / r['matmul']:>7.0%}{'yes' if r['same'] else 'NO':>6}{r['peak_gib']:>10.2f}")
            rows.append({"backend": backend, "chunk": r["chunking"], "seconds": round(r["seconds"], 1), "system s": round(r["system"], 1),
                         "point-samples/s": round(r["rate"]), "net GFLOP/s": round(r["achieved"] / 1e9, 1), "matmul GFLOP/s": round(r["matmul"] / 1e9, 1),
                         "same numbers as the first chunking": r["same"], "peak GiB": round(r["peak_gib"], 2)})
    from record import save_results
    print(f"saved {save_results('mc', 'Monte-Carlo inference throughput', rows, f'5x128 concrete-dropout network, {arguments.num_points:,} points x {arguments.num_samples} samples')}")


if __name__ == "__main__":
    main()
