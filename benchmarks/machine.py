"""What machine a benchmark ran on, printed beside its figures (the README quotes both)."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path


def user_env(**extra: str) -> dict[str, str]:
    """The environment of a process as a user's machine runs it: without PYTHONDONTWRITEBYTECODE,
    which some containers set (then every process compiles the project's modules again, about
    0.2 s each here; a user's Python keeps them in __pycache__/)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **extra}


def describe(with_browser: bool = False) -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f", RAM {kb / 1024 / 1024:.0f} GB"
    text = f"nproc={nproc}, CPU={model}{memory}, Python {platform.python_version()}"
    if with_browser:
        browser = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or "no chromium"
        version = ""
        if browser != "no chromium":
            out = subprocess.run(
                [browser, "--version"], capture_output=True, text=True, check=False, timeout=30
            )
            version = out.stdout.strip()
        text += f", {version or browser}"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{text}, load average {load:.2f}"
