#!/usr/bin/env python3
"""Turns the passive nvidia-smi samples of a harness run into power.csv, each sample tagged with the harness
phase it fell in (phases.csv: phase,start_unix,end_unix; samples between phases are 'between').

usage: power.py RAW_SAMPLES PHASES OUT_CSV

RAW_SAMPLES comes from (query only):
  nvidia-smi -i 0 --query-gpu=timestamp,power.draw,clocks.sm,clocks.mem,utilization.gpu,utilization.memory,
             temperature.gpu --format=csv,noheader,nounits -lms 200
Samples with a field nvidia-smi could not read ([N/A]) are dropped.
"""
import csv
import datetime
import sys

COLUMNS = ["phase", "t_s", "power_W", "sm_clock_MHz", "mem_clock_MHz", "gpu_util_pct", "mem_util_pct",
           "temperature_C"]


def parse_time(text):
    # nvidia-smi prints local time: 2024/05/01 12:34:56.789
    return datetime.datetime.strptime(text.strip(), "%Y/%m/%d %H:%M:%S.%f").timestamp()


def read_phases(path):
    phases = []
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            phases.append((row["phase"], float(row["start_unix"]), float(row["end_unix"])))
    return phases


def phase_of(t, phases):
    for name, start, end in phases:
        if start <= t <= end:
            return name
    return "between"


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    raw, phases_path, out_path = sys.argv[1:]
    phases = read_phases(phases_path)
    rows = []
    with open(raw, encoding="utf-8") as fh:
        for fields in csv.reader(fh):
            if len(fields) != 7:
                continue
            try:
                t = parse_time(fields[0])
                values = [float(f) for f in fields[1:]]
            except ValueError:
                continue
            rows.append((t, values))
    t0 = rows[0][0] if rows else 0.0
    with open(out_path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for t, v in rows:
            w.writerow([phase_of(t, phases), f"{t - t0:.3f}"] + [f"{x:g}" for x in v])
    print(f"power.py: {len(rows)} samples -> {out_path}", file=sys.stderr)


if __name__ == "__main__":
    main()
