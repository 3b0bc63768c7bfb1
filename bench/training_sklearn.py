"""scikit-learn reference for bench/training.bench.ts: the same data (CSV written by the bench),
the same forest shape (trees, depth, leaf rule, bootstrap, all features), timed here and printed
as one JSON line. Run with Debian's /usr/bin/python3 (python3-sklearn)."""
import csv
import json
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestRegressor


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, data = rows[0], np.array(rows[1:], dtype=float)
    y_col = header.index("target")
    terms_col = header.index("terms_days")
    x = np.delete(data, y_col, axis=1)
    return x, data[:, y_col], data[:, terms_col]


def forest(trees, depth, min_leaf, seed):
    return RandomForestRegressor(
        n_estimators=trees,
        max_depth=depth,
        min_samples_leaf=min_leaf,
        max_features=1.0,
        bootstrap=True,
        random_state=seed,
        n_jobs=1,
    )


def main():
    full_csv, train_csv, test_csv, trees, depth, min_leaf, seed = sys.argv[1:8]
    trees, depth, min_leaf, seed = int(trees), int(depth), int(min_leaf), int(seed)
    x_full, y_full, terms_full = load(full_csv)
    t0 = time.perf_counter()
    c0 = time.process_time()
    # Same learning target as CashFlowModel: days past the due date.
    forest(trees, depth, min_leaf, seed).fit(x_full, y_full - terms_full)
    full_seconds = time.perf_counter() - t0
    full_cpu_seconds = time.process_time() - c0

    x_tr, y_tr, terms_tr = load(train_csv)
    x_te, y_te, terms_te = load(test_csv)
    model = forest(trees, depth, min_leaf, seed).fit(x_tr, y_tr - terms_tr)
    pred = np.maximum(0, terms_te + model.predict(x_te))
    mae = float(np.mean(np.abs(pred - y_te)))
    print(json.dumps({"fullSeconds": full_seconds, "fullCpuSeconds": full_cpu_seconds, "mae": mae, "rowsFull": len(y_full), "rowsTrain": len(y_tr), "rowsTest": len(y_te)}))


if __name__ == "__main__":
    main()
