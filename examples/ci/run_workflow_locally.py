#!/usr/bin/env python3
"""Runs the `run:` steps of a GitHub Actions workflow locally, job by job, in order.

    run_workflow_locally.py WORKFLOW.yml --workdir DIR [--env NAME=VALUE]... [--event schedule]

What it does, as a runner would: jobs in `needs` order; a job with a matrix runs once per
combination; workflow, job and step `env:` are merged; `${{ ... }}` is expanded for the
contexts env, matrix, inputs, needs.<job>.outputs/result, steps.<id>.outputs, runner.os/temp,
github.workspace/sha/run_id/event_name/token/ref; `if:` of jobs and steps is evaluated for
==, !=, &&, ||, !, always() and success(). Each step runs with `bash -e` in DIR and gets the
files GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH and GITHUB_STEP_SUMMARY, which are read back
like a runner does. `uses:` steps (checkout, cache, artifacts) are skipped and printed:
every job shares DIR and RUNNER_TEMP, which stands in for caches and artifacts.
Exits with the first failing step's status.
"""
import argparse
import itertools
import os
import re
import subprocess
import sys
import tempfile

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Context:
    def __init__(self, values):
        self.values = values  # dotted name -> string

    def lookup(self, name):
        if name in self.values:
            return self.values[name]
        return ""  # unknown contexts read as empty, as in Actions for missing keys

    def expand(self, text):
        if not isinstance(text, str):
            return "" if text is None else str(text).lower() if isinstance(text, bool) else str(text)
        return EXPR.sub(lambda m: str(self.evaluate(m.group(1))), text)

    def evaluate(self, expr):
        expr = expr.strip()
        if expr.startswith("${{"):
            expr = EXPR.sub(lambda m: m.group(1), expr)
        # Tokens: strings, names, operators, parentheses.
        tokens = re.findall(r"'[^']*'|\|\||&&|==|!=|!|\(|\)|[A-Za-z_][\w.\-]*\(\)|[A-Za-z_][\w.\-]*|\d+", expr)
        python = []
        for t in tokens:
            if t.startswith("'"):
                python.append(repr(t[1:-1]))
            elif t == "||":
                python.append(" or ")
            elif t == "&&":
                python.append(" and ")
            elif t == "!":
                python.append(" not ")
            elif t in ("==", "!=", "(", ")"):
                python.append(t)
            elif t in ("always()", "success()"):
                python.append("True")
            elif t in ("failure()", "cancelled()"):
                python.append("False")
            elif t in ("true", "false"):
                python.append(repr(t))
            elif t.isdigit():
                python.append(repr(t))
            else:
                python.append(repr(self.lookup(t)))
        value = eval("".join(python), {"__builtins__": {}}, {})  # tokens above only: names became strings
        return value

    def truthy(self, expr):
        if expr is None:
            return True
        v = self.evaluate(str(expr))
        return v not in ("", "false", "0", False, None)


def job_order(jobs):
    done, order = set(), []
    while len(order) < len(jobs):
        progressed = False
        for name, job in jobs.items():
            needs = job.get("needs", [])
            needs = [needs] if isinstance(needs, str) else needs
            if name not in done and all(n in done for n in needs):
                order.append(name)
                done.add(name)
                progressed = True
        if not progressed:
            sys.exit("workflow: cyclic or unknown `needs`")
    return order


def matrix_combinations(job):
    matrix = (job.get("strategy") or {}).get("matrix")
    if not matrix:
        return [{}]
    keys = [k for k in matrix if k not in ("include", "exclude")]
    combos = [dict(zip(keys, values)) for values in itertools.product(*(matrix[k] for k in keys))]
    return combos + list(matrix.get("include", []))


def read_kv_file(path):
    """GITHUB_OUTPUT / GITHUB_ENV: name=value lines and name<<EOF blocks."""
    out = {}
    with open(path) as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            block = []
            i += 1
            while i < len(lines) and lines[i] != delim:
                block.append(lines[i])
                i += 1
            out[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        i += 1
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workflow")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--env", action="append", default=[], help="NAME=VALUE overriding the workflow's env")
    ap.add_argument("--input", action="append", default=[], help="NAME=VALUE of workflow_dispatch inputs")
    ap.add_argument("--event", default="schedule")
    args = ap.parse_args()

    with open(args.workflow) as f:
        wf = yaml.safe_load(f)
    workdir = os.path.abspath(args.workdir)
    runner_temp = tempfile.mkdtemp(prefix="pgo-local-runner-")
    overrides = dict(kv.split("=", 1) for kv in args.env)
    base = {
        "github.workspace": workdir, "github.sha": "0" * 40, "github.run_id": "1", "github.token": "local",
        "github.event_name": args.event, "github.ref": "refs/heads/main", "runner.os": "Linux",
        "runner.temp": runner_temp,
    }
    for kv in args.input:
        name, value = kv.split("=", 1)
        base["inputs." + name] = value
    needs_results = {}
    path_extra = []

    for job_name in job_order(wf["jobs"]):
        job = wf["jobs"][job_name]
        needs = job.get("needs", [])
        needs = [needs] if isinstance(needs, str) else needs
        values = dict(base)
        for n in needs:
            values["needs.%s.result" % n] = needs_results[n]["result"]
            for k, v in needs_results[n]["outputs"].items():
                values["needs.%s.outputs.%s" % (n, k)] = v
        if any(needs_results[n]["result"] != "success" for n in needs) or not Context(values).truthy(job.get("if")):
            print("== job %s: skipped" % job_name, flush=True)
            needs_results[job_name] = {"result": "skipped", "outputs": {}}
            continue
        outputs = {}
        for combo in matrix_combinations(job):
            label = job_name + ("" if not combo else " " + str(combo))
            print("== job %s" % label, flush=True)
            jv = dict(values)
            for k, v in combo.items():
                jv["matrix." + k] = str(v)
            env = {}
            for scope in (wf.get("env") or {}, job.get("env") or {}):
                for k, v in scope.items():
                    jv_ctx = Context(dict(jv, **{"env." + e: ev for e, ev in env.items()}))
                    env[k] = jv_ctx.expand(v)
            env.update(overrides)
            step_outputs = {}
            for index, step in enumerate(job.get("steps", [])):
                ctx_values = dict(jv)
                ctx_values.update({"env." + k: v for k, v in env.items()})
                for sid, outs in step_outputs.items():
                    for k, v in outs.items():
                        ctx_values["steps.%s.outputs.%s" % (sid, k)] = v
                ctx = Context(ctx_values)
                name = step.get("name") or step.get("uses") or "step %d" % (index + 1)
                if not ctx.truthy(step.get("if")):
                    print("-- %s: skipped (if)" % name, flush=True)
                    continue
                if "uses" in step:
                    print("-- %s: skipped locally (uses: %s)" % (name, step["uses"]), flush=True)
                    continue
                step_env = dict(os.environ)
                step_env.update(env)
                for k, v in (step.get("env") or {}).items():
                    step_env[k] = ctx.expand(v)
                files = {}
                for var in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY"):
                    fd, files[var] = tempfile.mkstemp(prefix=var.lower() + "-", dir=runner_temp)
                    os.close(fd)
                    step_env[var] = files[var]
                step_env["RUNNER_TEMP"] = runner_temp
                step_env["GITHUB_WORKSPACE"] = workdir
                step_env["CI"] = "true"
                step_env["PATH"] = os.pathsep.join(path_extra + [step_env.get("PATH", "")])
                script = ctx.expand(step["run"])
                print("-- %s" % name, flush=True)
                status = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script],
                                        cwd=os.path.join(workdir, ctx.expand(step.get("working-directory", "."))),
                                        env=step_env).returncode
                if status != 0:
                    print("workflow: job %s, step '%s' failed with exit %d" % (label, name, status), file=sys.stderr)
                    sys.exit(status)
                if step.get("id"):
                    step_outputs[step["id"]] = read_kv_file(files["GITHUB_OUTPUT"])
                env.update(read_kv_file(files["GITHUB_ENV"]))
                with open(files["GITHUB_PATH"]) as f:
                    path_extra = [line for line in f.read().splitlines() if line] + path_extra
                with open(files["GITHUB_STEP_SUMMARY"]) as f:
                    summary = f.read()
                with open(os.path.join(runner_temp, "step-summaries.md"), "a") as f:
                    f.write(summary)
            ctx_values = dict(jv)
            for sid, outs in step_outputs.items():
                for k, v in outs.items():
                    ctx_values["steps.%s.outputs.%s" % (sid, k)] = v
            for k, v in (job.get("outputs") or {}).items():
                outputs[k] = Context(ctx_values).expand(v)
        needs_results[job_name] = {"result": "success", "outputs": outputs}
    print("== workflow finished; step summaries in %s" % os.path.join(runner_temp, "step-summaries.md"))


if __name__ == "__main__":
    main()
