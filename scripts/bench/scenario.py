#!/usr/bin/python3
"""Writes a simulator scenario (docs/simulator.md) with N systems to stdout,
for scripts/benchmark.sh: "System 00001" (DNS label sys00001) and on, most
connected, every 37th with its DMS not responding and every 50th without
connection, as a large organization looks on an ordinary day.

Usage: scenario.py N
"""
import sys

n = int(sys.argv[1])
out = [
    'key = "benchmark-key"',
    "max_age = 5",
    "",
    "[organization]",
    'id = "0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10"',
    'name = "Benchmark"',
    'urlLabel = "benchmark"',
]
for i in range(1, n + 1):
    out += ["", "[[systems]]", f'name = "System {i:05d}"', f'dnsLabel = "sys{i:05d}"']
    if i % 50 == 0:
        out += ['state = "noConnection"', "gateways = [0, 2]", 'lastSeen = "3h 20m"']
    elif i % 37 == 0:
        out += ['state = "dmsNotResponding"', "gateways = [2, 2]", 'lastSeen = "25m"']
    else:
        out += ["gateways = [2, 2]"]
    if i % 3 == 0:
        out += ['type = "dataMinerAsAService"']
sys.stdout.write("\n".join(out) + "\n")
