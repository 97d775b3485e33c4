"""Model zoo: F1 of active learning on every catalogue model and on potentials typed as a user would, against the
strongest truth there is, on several seeds.

    python bench/zoo.py [--models 2hdm gm ...] [--seeds 0 1 2] [--preset default] [--max-labels 30000] [--max-minutes 30]

The preset is the held-in default (LearnerConfig() and NetworkSpec(), the CLI's `default`), with 100,000 validation
points. A run of some models or seeds replaces their rows in the results files and keeps the others, so the table
can be filled model by model.

Yardstick, per model: the exact BFB condition where one is known (the catalogue's, and strict copositivity for the
potentials in squared norms, Kannike 2012 / Kaplan 2000); otherwise certified labels (witnesses and sum-of-squares
proofs, bfbnb.certify), with the validation points neither side could prove left out and counted.
Per model and seed, per round: labels, F1, precision and recall with no cut and with the 0.95 cut, wall time per
phase, training epochs and training points, how the network was trained (warm start or from scratch, epochs a round);
then a summary: labels to reach F1 0.98 / 0.99 / 0.995 and F1 at 10k / 20k / 30k labels (median and worst
seed), minutes. Figures go to bench/results/zoo.json (summary) and zoo_rounds.json (every round).
"""
import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from bfbnb.models import MODEL_NAMES, get_model, truth_norm_quartic
from bfbnb.multiplets import multiplet_potential
from bfbnb.runner import learner_from_settings
from bfbnb.settings import RunSettings
from record import load_rows, save_results

_PAIRS5 = [(i, j) for i in range(1, 6) for j in range(i + 1, 6)]
_COUPLINGS5 = ", ".join([f"lam{i}{i}" for i in range(1, 6)] + [f"lam{i}{j}" for i, j in _PAIRS5])
TYPED = { # potentials that are not in the catalogue, in multiplet notation, each with a published exact condition
    "5_singlets_z2": ("fields: S1, S2, S3, S4, S5 real singlet\ncouplings: " + _COUPLINGS5 + " real\nV = "
                      + " + ".join([f"lam{i}{i} S{i}^4" for i in range(1, 6)] + [f"lam{i}{j} S{i}^2 S{j}^2" for i, j in _PAIRS5])),
    "3hdm_2s_norms": ("fields: H1, H2, H3 doublet; S1, S2 real singlet\ncouplings: " + _COUPLINGS5 + " real\n"
                      "define: x1 = H1+ H1; x2 = H2+ H2; x3 = H3+ H3; x4 = S1^2; x5 = S2^2\nV = "
                      + " + ".join([f"lam{i}{i} x{i}^2" for i in range(1, 6)] + [f"lam{i}{j} x{i} x{j}" for i, j in _PAIRS5])),
}
TITLES = {"5_singlets_z2": "5 real singlets, Z2^5 (15 couplings; exact: copositivity)",
          "3hdm_2s_norms": "3 doublets + 2 singlets, norms only (15 couplings; exact: copositivity)"}
THRESHOLDS, BUDGETS = (0.98, 0.99, 0.995), (10_000, 20_000, 30_000)
EARLIER_TRAINING = "from scratch, 60 epochs" # what every row recorded before rows named their training
ORDER = list(MODEL_NAMES) + list(TYPED)
COMMAND = "python " + " ".join(["bench/zoo.py"] + sys.argv[1:])


def built(name):
    "(potential, exact truth or None, catalogue name or None, title) of a zoo model."
    if name in TYPED: return multiplet_potential(TYPED[name]), (lambda lam: truth_norm_quartic(lam, 5)), None, TITLES[name]
    model = get_model(name)
    return model.potential, model.truth, model.name, model.title


def training_of(config) -> str:
    "How a run's network is trained each round, as the table names it: 'warm start, 20 epochs'."
    return f"{'from scratch' if config.from_scratch else 'warm start'}, {config.epochs} epochs"


def run(name, seed, arguments):
    "Rounds of one model and seed until the label or time budget; the per-round rows."
    potential, truth, catalogue, title = built(name)
    settings = RunSettings.preset(arguments.preset, seed=seed, validation_size=arguments.validation_size,
                                  validation="auto" if truth is not None else "certified")
    learner = learner_from_settings(settings, built=(potential, truth, catalogue))
    rows, start = [], time.perf_counter()
    while True:
        record = learner.step()
        f = record.metrics["validation_f_score"]
        minutes = (time.perf_counter() - start) / 60
        rows.append({"model": name, "title": title, "seed": seed, "round": record.round_index, "labels": record.num_labels, "F1": round(f["f1@1"], 4),
                     "precision": round(f["precision@1"], 4), "recall": round(f["recall@1"], 4), "F1@0.95": round(f["f1@0.95"], 4),
                     "precision@0.95": round(f["precision@0.95"], 4), "recall@0.95": round(f["recall@0.95"], 4), "minutes": round(minutes, 2),
                     "epochs": len(record.epoch_losses), "training points": record.num_train, "training": training_of(learner.config),
                     **{f"{phase} s": round(seconds, 1) for phase, seconds in record.timings.items()}})
        print(f"{name:<16}{seed:>5}{record.round_index:>6}{record.num_labels:>8,}{f['f1@1']:>8.4f}{f['precision@1']:>8.4f}{f['recall@1']:>8.4f}"
              f"{f['f1@0.95']:>8.4f}{minutes:>8.1f}", flush=True)
        step = learner.config.num_batches * learner.config.batch_size
        if record.num_labels + step > arguments.max_labels or minutes > arguments.max_minutes: break
    yardstick = "exact truth" if truth is not None else f"certified labels ({learner.validation_undecided:,} undecided validation points left out)"
    for row in rows: row["yardstick"], row["command"] = yardstick, COMMAND
    return rows


def summary(name, rows):
    "Labels to reach each F1 threshold and F1 at each budget: median and worst seed, over the seeds in `rows` (one model's)."
    def first_reaching(seed_rows, threshold):
        return next((r["labels"] for r in seed_rows if r["F1"] >= threshold), None)
    def at_budget(seed_rows, budget):
        within = [r for r in seed_rows if r["labels"] <= budget]
        return within[-1]["F1"] if within and seed_rows[-1]["labels"] >= budget * 0.9 else None
    seeds = sorted({r["seed"] for r in rows})
    per_seed = [[r for r in rows if r["seed"] == seed] for seed in seeds]
    yardsticks = sorted({r["yardstick"].split(" (")[0] for r in rows})
    undecided = [r["yardstick"] for r in rows if "undecided" in r["yardstick"]]
    out = {"model": rows[0]["title"], "yardstick": ", ".join(yardsticks) + (f" (per seed: {'; '.join(sorted(set(u.split('(')[1].rstrip(')') for u in undecided)))})" if undecided else ""),
           "seeds": " ".join(map(str, seeds)), "training": "; ".join(sorted({r.get("training", EARLIER_TRAINING) for r in rows}))}
    def labels(value): return "not reached" if value == np.inf else f"{int(value):,}"
    for threshold in THRESHOLDS:
        reached = [first_reaching(s, threshold) or np.inf for s in per_seed] # a seed that never reached it counts as never
        out[f"labels to F1 {threshold}: median / worst"] = f"{labels(np.median(reached))} / {labels(max(reached))}"
    for budget in BUDGETS:
        scores = [at_budget(s, budget) for s in per_seed]
        out[f"F1 at {budget // 1000}k: median / worst"] = f"{np.median(scores):.4f} / {min(scores):.4f}" if all(s is not None for s in scores) else "-"
    minutes = [s[-1]["minutes"] for s in per_seed]
    out["minutes per seed: fastest / slowest"] = f"{min(minutes):.1f} / {max(minutes):.1f}"
    return out


def write_table(every, arguments):
    "The summary of every model in `every`, written to bench/results/zoo.json."
    table = [summary(model, [r for r in every if r["model"] == model]) for model in dict.fromkeys(r["model"] for r in every)]
    save_results("zoo", "Model zoo: F1 against the strongest truth", table,
                 f"F1 (no cut) on {arguments.validation_size:,} uniform validation points; training labels are oracle labels, at most "
                 f"{arguments.max_labels:,} per seed; every round, with the command that measured it, is in bench/results/zoo_rounds.json")
    return table


def markdown_row(cells) -> str:
    "One row of a Markdown table (tests/test_project.py finds the README's zoo rows by it)."
    return "| " + " | ".join(str(c) for c in cells) + " |"


def print_markdown(table):
    "The summary as a Markdown table (the README's zoo table is this output)."
    print(markdown_row(table[0]) + "\n|" + "---|" * len(table[0]))
    for row in table: print(markdown_row(row.values()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=list(MODEL_NAMES) + list(TYPED), choices=list(MODEL_NAMES) + list(TYPED))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--preset", default="default", help="the run settings (bfbnb.settings.PRESETS); 'default' is LearnerConfig()'s")
    parser.add_argument("--max-labels", type=int, default=30_000)
    parser.add_argument("--max-minutes", type=float, default=30)
    parser.add_argument("--validation-size", type=int, default=100_000)
    parser.add_argument("--table-only", action="store_true", help="rebuild zoo.json from the rows in zoo_rounds.json, running nothing")
    arguments = parser.parse_args()
    if arguments.table_only:
        every = [r for r in load_rows("zoo_rounds") if "yardstick" in r]
        if not every: raise SystemExit("zoo: bench/results/zoo_rounds.json has no rows yet; run some models first")
        table = write_table(every, arguments)
        print_markdown(table)
        return
    print(f"{'model':<16}{'seed':>5}{'round':>6}{'labels':>8}{'F1':>8}{'prec':>8}{'recall':>8}{'F1@.95':>8}{'minutes':>8}")
    for name in arguments.models:
        for seed in arguments.seeds:
            rows = run(name, seed, arguments)
            kept = [r for r in load_rows("zoo_rounds") if "yardstick" in r and (r["model"], r["seed"]) != (name, seed)] # other models and seeds: as they were
            every = sorted(kept + rows, key=lambda r: (ORDER.index(r["model"]) if r["model"] in ORDER else len(ORDER), r["seed"], r["round"]))
            save_results("zoo_rounds", "Model zoo: every round", every, "each row names the command that measured it")
            table = write_table(every, arguments)
    print()
    print_markdown(table)


if __name__ == "__main__":
    main()
