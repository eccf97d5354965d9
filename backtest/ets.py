"""The reference row of the backtest: statsmodels' ETS with a damped trend on
log users (additive errors), fitted by maximum likelihood, its 90% prediction
interval exponentiated. Same cases as `cargo run --example backtest`: every
series in backtest/series, 24 and 36 months of history, origins every 6
months, 12 months ahead. Prints one Markdown table row per group.
"""
import pathlib
import sys
import warnings

import numpy as np
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

warnings.simplefilter("ignore")
HISTORIES, AHEAD, STEP, Z = (24, 36), 12, 6, 0.10


def cases(values):
    for length in HISTORIES:
        start = 0
        while start + length + AHEAD <= len(values):
            yield values[start : start + length], values[start + length : start + length + AHEAD]
            start += STEP


def forecast(history):
    import pandas as pd
    model = ETSModel(pd.Series(np.log(history)), error="add", trend="add", damped_trend=True)
    fitted = model.fit(disp=False)
    frame = fitted.get_prediction(start=len(history), end=len(history) + AHEAD - 1).summary_frame(alpha=Z)
    return np.exp(frame["mean"].values), np.exp(frame["pi_lower"].values), np.exp(frame["pi_upper"].values)


def main():
    folder = pathlib.Path(__file__).parent / "series"
    totals = {}
    for path in sorted(folder.glob("*.csv")):
        lines = path.read_text().splitlines()
        group = lines[0].lstrip("# ").split(":")[0]
        values = np.array([float(line.split(",")[1]) for line in lines[2:]])
        for history, future in cases(values):
            mean, low, high = forecast(history)
            ape = np.abs(future - mean) / future
            inside = (future >= low) & (future <= high)
            score = (high - low) + (2 / Z) * np.maximum(low - future, 0) + (2 / Z) * np.maximum(future - high, 0)
            for key in (group, "all"):
                t = totals.setdefault(key, [0, 0.0, 0.0, 0.0])
                t[0] += 1
                t[1] += ape.mean()
                t[2] += inside.mean()
                t[3] += (score / future).mean()
    for key, (n, ape, inside, score) in sorted(totals.items()):
        print(f"| ETS damped (statsmodels) | {key} | {n} | {100 * ape / n:.1f}% | {100 * inside / n:.0f}% | {score / n:.3f} | 0% |")


if __name__ == "__main__":
    sys.exit(main())
