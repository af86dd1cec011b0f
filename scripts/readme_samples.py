#!/usr/bin/env python3
"""Writes the README's sample outputs from real runs, so they cannot drift from what caviar prints.

Each sample in README.md sits in a fenced block right after a marker line

    <!-- sample NAME -->

and this script replaces the block with what the real commands print now (the quick start run in a
temporary folder, `caviar show` of it, `caviar trials` of its failed trials, a file with errors,
the retune example).

    scripts/readme_samples.py [--caviar build/bin/caviar]           # rewrite README.md
    scripts/readme_samples.py [--caviar build/bin/caviar] --check   # exit 1 when a sample drifted

--check ignores what differs from run to run: durations, the share of time workers were busy and
the number of threads.
"""

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
MARKER = re.compile(r"^<!-- sample ([a-z0-9-]+) -->$")

BAD_FILE = """\
[experiment]
objective = { metric = "val_accuracy", direction = "maximize" }

[space]
lr = { float = [0, 0.5], scale = "log" }
units = { int = [8, 256], scale = "log" }

[sampler]
plugin = "randm"

[model]
plugin = "mlp"
data = "data/digits.csv.gz"
epochz = 30
"""


def run(cmd, cwd):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=dict(os.environ, COLUMNS="100"))
    return r.returncode, r.stdout, r.stderr


def samples(caviar):
    """NAME -> the text of that sample, from real runs in a temporary folder."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="caviar-samples-") as tmp:
        work = os.path.join(tmp, "examples")
        os.makedirs(work)
        shutil.copy(os.path.join(ROOT, "examples", "quickstart.toml"), work)
        os.symlink(os.path.join(ROOT, "examples", "data"), os.path.join(work, "data"))

        def tidy(text):
            # The run happened in tmp/examples; the README runs from the repository's root.
            # The plugin folder is the build's, wherever the repository is.
            text = text.replace(work + "/", "examples/").replace(tmp + "/", "")
            return text.replace(ROOT + "/", "")

        code, stdout, stderr = run([caviar, "run", "examples/quickstart.toml"], tmp)
        if code != 0:
            sys.exit("the quick start failed (exit %d):\n%s" % (code, stderr))
        last_progress = [l for l in stderr.splitlines() if l.startswith("[")][-1]
        best = stdout.strip("\n").split("\n\nbest params")[0]
        out["quickstart-run"] = tidy(last_progress + "\n\n" + best)

        code, stdout, _ = run([caviar, "show", "examples/quickstart.toml"], tmp)
        importance = stdout[stdout.index("parameter importance"):]
        # What follows (the environment: the machine, the build's plugin hashes) differs by machine.
        importance = importance.split("\n\nenvironment")[0]
        out["quickstart-importance"] = tidy(importance.rstrip("\n"))

        code, stdout, _ = run([caviar, "trials", "examples/quickstart.toml", "--wide"], tmp)
        lines = stdout.rstrip("\n").split("\n")
        failed = [l for l in lines[1:] if re.match(r"^\s*\d+\s+failed\s", l)]
        out["quickstart-failed"] = tidy("\n".join([lines[0]] + failed)) if failed else "(no failed trial)"

        # Tune occasionally: the digits tuned, then retuned on June's digits.
        os.makedirs(os.path.join(work, "retune"))
        shutil.copy(os.path.join(ROOT, "examples", "retune", "digits.toml"), os.path.join(work, "retune"))
        code, _, stderr = run([caviar, "run", "examples/retune/digits.toml", "-q"], tmp)
        if code != 0:
            sys.exit("the retune example's first study failed (exit %d):\n%s" % (code, stderr))
        code, _, stderr = run([sys.executable, os.path.join(ROOT, "examples", "retune", "change_digits.py"),
                               "examples/data/digits.csv.gz", "examples/retune/runs/jun.csv"], tmp)
        if code != 0:
            sys.exit("change_digits.py failed:\n" + stderr)
        code, stdout, stderr = run([caviar, "retune", "examples/retune/digits.toml", "--from", "digits-jan",
                                    "--set", "model.data=runs/jun.csv", "-q"], tmp)
        if code not in (0, 3):
            sys.exit("the retune failed (exit %d):\n%s" % (code, stderr))
        out["retune-drift"] = tidy(stdout.rstrip("\n"))

        with open(os.path.join(work, "exp.toml"), "w") as f:
            f.write(BAD_FILE)
        code, _, stderr = run([caviar, "validate", "exp.toml"], work)
        out["config-errors"] = tidy(stderr.rstrip("\n"))
    return out


def volatile(text):
    text = re.sub(r"\b\d+:\d\d\b", "M:SS", text)
    text = re.sub(r"on \d+ threads?", "on N threads", text)
    text = re.sub(r"workers busy \d+%", "workers busy P%", text)
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--caviar", default=os.path.join(ROOT, "build", "bin", "caviar"))
    ap.add_argument("--check", action="store_true", help="compare, do not write")
    args = ap.parse_args()

    with open(README) as f:
        lines = f.read().split("\n")
    fresh = samples(os.path.abspath(args.caviar))
    result, drifted, seen = [], [], set()
    i = 0
    while i < len(lines):
        result.append(lines[i])
        m = MARKER.match(lines[i])
        i += 1
        if not m:
            continue
        name = m.group(1)
        if name not in fresh:
            sys.exit("README.md: unknown sample %r" % name)
        if i >= len(lines) or lines[i] != "```":
            sys.exit("README.md: sample %r must be followed by a ``` block" % name)
        end = lines.index("```", i + 1)
        old = "\n".join(lines[i + 1:end])
        if volatile(old) != volatile(fresh[name]):
            drifted.append((name, old, fresh[name]))
        result += ["```"] + fresh[name].split("\n") + ["```"]
        seen.add(name)
        i = end + 1
    missing = set(fresh) - seen
    if missing:
        sys.exit("README.md: no marker for sample(s) %s" % ", ".join(sorted(missing)))

    if args.check:
        for name, old, new in drifted:
            print("sample %s drifted from what caviar prints:" % name)
            sys.stdout.writelines(difflib.unified_diff(
                (old + "\n").splitlines(True), (new + "\n").splitlines(True), "README.md", "real run"))
        if drifted:
            print("run scripts/readme_samples.py to rewrite them")
        return 1 if drifted else 0
    with open(README, "w") as f:
        f.write("\n".join(result))
    print("README.md: %d samples written, %d had drifted" % (len(seen), len(drifted)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
