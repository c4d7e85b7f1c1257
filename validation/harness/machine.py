#!/usr/bin/env python3
"""Writes machine.json for a harness run: the GPU, driver, clocks, SM count, L2 and memory, as nvidia-smi
and the CUDA runtime report them. Query only: nothing here changes a setting of the GPU.

usage: machine.py OUT_DIR [--harness-info FILE] [--catalog NAME]
"""
import argparse
import datetime
import json
import os
import platform
import subprocess

# One query per field, so a field an older driver does not know costs only itself.
SMI_FIELDS = [
    "name", "driver_version", "vbios_version", "pci.bus_id", "memory.total", "clocks.max.sm",
    "clocks.max.memory", "clocks.sm", "power.limit", "power.default_limit", "power.max_limit", "pstate",
    "persistence_mode", "compute_mode", "mig.mode.current", "compute_cap", "temperature.gpu",
]


def smi_query(field):
    try:
        out = subprocess.run(["nvidia-smi", "-i", "0", f"--query-gpu={field}", "--format=csv,noheader,nounits"],
                             capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, str(e)
    if out.returncode != 0:
        return None, (out.stdout + out.stderr).strip()
    return out.stdout.strip(), None


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def versions():
    v = {}
    try:
        import torch  # noqa: PLC0415 (optional)
        v["torch"] = torch.__version__
        v["torch_cuda"] = torch.version.cuda
        v["cudnn"] = torch.backends.cudnn.version()
    except Exception as e:  # noqa: BLE001 (record why, keep going)
        v["torch"] = f"unavailable: {e}"
    try:
        import torchvision  # noqa: PLC0415
        v["torchvision"] = torchvision.__version__
    except Exception as e:  # noqa: BLE001
        v["torchvision"] = f"unavailable: {e}"
    try:
        import onnxruntime  # noqa: PLC0415
        v["onnxruntime"] = onnxruntime.__version__
        v["onnxruntime_providers"] = onnxruntime.get_available_providers()
    except Exception as e:  # noqa: BLE001
        v["onnxruntime"] = f"unavailable: {e}"
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out_dir")
    ap.add_argument("--harness-info", help="JSON printed by 'gpusim_harness info'")
    ap.add_argument("--catalog", help="gpusim catalog entry to simulate this GPU as (default: from the name)")
    args = ap.parse_args()

    smi, errors = {}, {}
    for f in SMI_FIELDS:
        value, err = smi_query(f)
        if err is None:
            smi[f] = value
        else:
            errors[f] = err
    info = {}
    if args.harness_info and os.path.exists(args.harness_info):
        with open(args.harness_info, encoding="utf-8") as fh:
            text = fh.read().strip()
        if text:
            info = json.loads(text)

    mem_mib = number(smi.get("memory.total"))
    machine = {
        "gpu_name": smi.get("name") or info.get("gpu_name", "unknown"),
        "driver": smi.get("driver_version", ""),
        "sm_count": info.get("sm_count", 0),
        "l2_bytes": info.get("l2_bytes", 0),
        "memory_bytes": info.get("memory_bytes") or (mem_mib * 1048576 if mem_mib else 0),
        "max_sm_clock_mhz": number(smi.get("clocks.max.sm")) or info.get("cuda_max_sm_clock_mhz", 0),
        "max_mem_clock_mhz": number(smi.get("clocks.max.memory")) or info.get("cuda_max_mem_clock_mhz", 0),
        "power_limit_w": number(smi.get("power.limit")) or 0,
        "taken": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "sample": False,
        "nvidia_smi": smi,
        "nvidia_smi_errors": errors,
        "cuda": info,
        "software": versions(),
        "host": {"hostname": platform.node(), "kernel": platform.release(), "cpus": os.cpu_count()},
        "observe_only": "no GPU setting was changed (clocks, power limit, MIG, persistence, compute mode)",
    }
    if args.catalog:
        machine["catalog"] = args.catalog
    with open(os.path.join(args.out_dir, "machine.json"), "w", encoding="utf-8") as fh:
        json.dump(machine, fh, indent=2)
        fh.write("\n")


if __name__ == "__main__":
    main()
