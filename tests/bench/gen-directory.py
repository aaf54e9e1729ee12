#!/usr/bin/env python3
"""Writes a directory of N POCs in the interchange format, for benchmarks.

usage: gen-directory.py OUT.csv N
Every UN official language appears; each State of ISO 3166-1 gets one
Permanent Mission contact and POCs are spread over the States until N.
Addresses are in .test domains, which the mail lab delivers.
"""
import csv, json, sys

out, n = sys.argv[1], int(sys.argv[2])
states = sorted(c["alpha_3"] for c in json.load(open("/usr/share/iso-codes/json/iso_3166-1.json",
                                                    encoding="utf-8"))["3166-1"])
langs = ["en", "fr", "es", "ru", "zh", "ar"]
entity = {"en": "National CERT", "fr": "Agence nationale de la sécurité",
          "es": "Ministerio de Relaciones Exteriores", "ru": "Министерство иностранных дел",
          "zh": "国家计算机网络应急技术处理协调中心", "ar": "الفريق الوطني للاستجابة لطوارئ الحاسب الآلي"}
with open(out, "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(["state", "role", "entity", "name", "email", "languages"])
    for i, s in enumerate(states):
        w.writerow([s, "mission", f"Permanent Mission of {s}", "", f"mission@{s.lower()}.mission.test", "en"])
    for k in range(n):
        s = states[k % len(states)]
        lang = langs[k % 6]
        role = "technical" if k % 2 else "diplomatic"
        w.writerow([s, role, entity[lang], f"Contact {k}" if k % 3 else "",
                    f"poc{k}@{role}.{s.lower()}.test", lang if lang == "en" else f"{lang};en"])
