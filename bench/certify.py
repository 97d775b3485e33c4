"""Sum-of-squares certificates for every catalogue model: speed, certified fraction, wrong certificates.

    python bench/certify.py [--num-points 1000] [--models 2hdm inert_2hdm ...] [--workers 2] [--validation-size 20000]

For each model, three sets: (a) uniform BFB points, (b) BFB points near the boundary (bisected arcs between
BFB and non-BFB points, hopped 0.02 rad around it), (c) uniform non-BFB points. "BFB" is the exact truth
where the model has one (2HDM, inert 2HDM, custodial GM), else the presumption of a 100-restart oracle
(marked "oracle"). (a) and (b) are certified with the 100-restart oracle's labels passed in, so the time is
the sum-of-squares part (level 0, level 1 on what level 0 leaves open, verification, re-labelling of the
rest); certificates/s = points / that time, whole batches on --workers local processes. On (c) the level-0
programme is solved for every point anyway: a positive proven bound there would be a wrong certificate.
"wrong" counts certificates contradicting the exact truth (a BFB proof of a non-BFB point or a witness of a
BFB one); "-" where there is no exact truth. Last, a certified validation set of --validation-size uniform
3HDM Z2xZ2 points is built from scratch (oracle labels, proofs) and timed.
"""
import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from bfbnb.certify import Certifier, verify
from bfbnb.models import MODEL_NAMES, get_model, sample_near_boundary
from bfbnb.oracle import Oracle
from bfbnb.sampling import sample_sphere


def _draw(condition, num_points, dim, rng, want):
    "num_points uniform points on the sphere for which condition(points) == want."
    kept, drawn = [], 0
    while sum(map(len, kept)) < num_points and drawn < 20_000_000:
        pool = sample_sphere(20_000, dim, rng); drawn += len(pool)
        kept.append(pool[condition(pool) == want])
    return np.concatenate(kept)[:num_points]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-points", type=int, default=1000)
    parser.add_argument("--models", nargs="+", default=list(MODEL_NAMES))
    parser.add_argument("--workers", type=int, default=None, help="local processes (default: one per CPU core)")
    parser.add_argument("--validation-size", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    rng = np.random.default_rng(arguments.seed)
    print(f"{'model':<16}{'set':<14}{'points':>7}{'bfb':>7}{'not_bfb':>8}{'undec.':>7}{'wrong':>6}{'level 1':>9}{'cert/s':>9}{'seconds':>9}  truth")
    for name in arguments.models:
        model = get_model(name)
        potential, dim = model.potential, model.potential.num_lam
        judge = Oracle(potential, 100, seed=arguments.seed + 1)
        truth = model.truth if model.truth is not None else (lambda x: judge.label(x).labels)
        kind = "exact" if model.truth is not None else "oracle"
        oracle = Oracle(potential, 100, seed=arguments.seed)
        with Certifier(potential, oracle, num_workers=arguments.workers) as certifier:
            certifier.certify(_draw(truth, 8, dim, rng, True)) # start the programmes (and, if needed, the worker processes) outside the timing
            near = sample_near_boundary(truth, dim, 4 * arguments.num_points, rng, num_centers=500, pool_size=20_000)
            sets = {"uniform BFB": _draw(truth, arguments.num_points, dim, rng, True),
                    "boundary BFB": near[truth(near)][:arguments.num_points]}
            for label, points in sets.items():
                labels = oracle.label(points)
                start = time.perf_counter()
                result = certifier.certify(points, labels=labels)
                seconds = time.perf_counter() - start
                assert (verify(result, potential) == result.status).all(), "a stated proof does not hold"
                c = result.counts()
                wrong = int(((result.status == "not_bfb") & truth(points)).sum()) if kind == "exact" else "-" # BFB by the truth, a witness: impossible
                level1 = [x for x in result.certificates if x.level == 1]
                level1_text = f"{int((result.lower_bound[level1[0].index] > 0).sum())}/{len(level1[0].index)}" if level1 else "0/0"
                print(f"{name:<16}{label:<14}{len(points):>7}{c['bfb']:>7}{c['not_bfb']:>8}{c['undecided']:>7}{wrong:>6}{level1_text:>9}"
                      f"{len(points) / seconds:>9.1f}{seconds:>9.1f}  {kind}", flush=True)
            points = _draw(truth, arguments.num_points, dim, rng, False)
            start = time.perf_counter()
            bounds = certifier.lower_bounds(points)
            seconds = time.perf_counter() - start
            result = certifier.certify(points)
            c = result.counts()
            wrong = int((bounds > 0).sum() + ((result.status == "bfb") & ~truth(points)).sum()) if kind == "exact" else int((bounds > 0).sum())
            print(f"{name:<16}{'uniform non':<14}{len(points):>7}{c['bfb']:>7}{c['not_bfb']:>8}{c['undecided']:>7}{wrong:>6}{'-':>9}"
                  f"{len(points) / seconds:>9.1f}{seconds:>9.1f}  {kind} (level-0 bounds of every point: {int((bounds > 0).sum())} positive)", flush=True)
    if not arguments.validation_size: return
    model = get_model("3hdm_z2z2")
    points = sample_sphere(arguments.validation_size, model.potential.num_lam, rng)
    start = time.perf_counter()
    with Certifier(model.potential, Oracle(model.potential, 100, seed=arguments.seed), num_workers=arguments.workers) as certifier:
        result = certifier.certify(points)
    print(f"certified validation set, {len(points):,} uniform 3HDM Z2xZ2 points: {result.summary()}; built in {(time.perf_counter() - start) / 60:.1f} min")


if __name__ == "__main__":
    main()
