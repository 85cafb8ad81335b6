#!/usr/bin/env python3
"""Structural check of a GitLab CI file (examples/ci/gitlab/.gitlab-ci.yml) without GitLab:

- it is YAML and a mapping; `stages` is a list of names;
- every job (a mapping with `script`, not a hidden `.name` template or a keyword) has a
  `stage` from `stages` (directly or through `extends`), a `script` that is a string or a
  list of strings, and `extends` naming templates that exist;
- `needs` name jobs of earlier stages (or the same stage, as GitLab allows);
- `parallel` is an integer 2..200 (or a `matrix`), `rules` a list of mappings with `if`
  (or when/changes/exists), `artifacts.paths` and `cache.paths` lists of strings,
  `artifacts.reports.dotenv` a string, `cache.policy` one of pull, push, pull-push;
- the nightly jobs run on schedules (a rule tests $CI_PIPELINE_SOURCE == "schedule"),
  and the train job's `parallel` equals the PGO_SHARDS variable.
Prints each problem and exits 1 if there is any.
"""
import sys

import yaml

KEYWORDS = {"stages", "variables", "default", "include", "workflow", "image", "services", "before_script",
            "after_script", "cache"}


def check(doc):
    problems = []
    if not isinstance(doc, dict):
        return ["the file is not a YAML mapping"]
    stages = doc.get("stages")
    if not isinstance(stages, list) or not stages or not all(isinstance(s, str) for s in stages):
        problems.append("stages: must be a non-empty list of names")
        stages = []
    templates = {k: v for k, v in doc.items() if isinstance(k, str) and k.startswith(".")}
    jobs = {k: v for k, v in doc.items() if k not in KEYWORDS and not str(k).startswith(".")}

    def resolved(job, key):
        if key in job:
            return job[key]
        ext = job.get("extends", [])
        for t in [ext] if isinstance(ext, str) else ext:
            if t in templates and key in templates[t]:
                return templates[t][key]
        return None

    for name, job in jobs.items():
        where = "job %s" % name
        if not isinstance(job, dict):
            problems.append(where + ": not a mapping")
            continue
        ext = job.get("extends", [])
        for t in [ext] if isinstance(ext, str) else ext:
            if t not in templates:
                problems.append(where + ": extends unknown template %s" % t)
        stage = resolved(job, "stage")
        if stage not in stages:
            problems.append(where + ": stage %r is not in stages %s" % (stage, stages))
        script = resolved(job, "script")
        if not (isinstance(script, str) or (isinstance(script, list) and script and
                                              all(isinstance(s, str) for s in script))):
            problems.append(where + ": script must be a string or a list of strings")
        for need in job.get("needs", []) or []:
            need_name = need if isinstance(need, str) else (need or {}).get("job")
            if need_name not in jobs:
                problems.append(where + ": needs unknown job %s" % need_name)
            elif stage in stages and resolved(jobs[need_name], "stage") in stages and \
                    stages.index(resolved(jobs[need_name], "stage")) > stages.index(stage):
                problems.append(where + ": needs %s of a later stage" % need_name)
        par = job.get("parallel")
        if par is not None and not (isinstance(par, int) and 2 <= par <= 200) and not \
                (isinstance(par, dict) and "matrix" in par):
            problems.append(where + ": parallel must be an integer 2..200 or a matrix")
        rules = resolved(job, "rules")
        if rules is not None:
            if not isinstance(rules, list) or not all(isinstance(r, dict) and
                                                      set(r) & {"if", "when", "changes", "exists"} for r in rules):
                problems.append(where + ": rules must be a list of mappings with if/when/changes/exists")
            elif not any("$CI_PIPELINE_SOURCE == \"schedule\"" in str(r.get("if", "")) for r in rules):
                problems.append(where + ": no rule runs it on a schedule")
        else:
            problems.append(where + ": no rules: it would run in every pipeline, not only the nightly one")
        for section in ("artifacts", "cache"):
            value = job.get(section, (doc.get("default") or {}).get(section) if section == "cache" else None)
            if value is None:
                continue
            if not isinstance(value, dict):
                problems.append(where + ": %s must be a mapping" % section)
                continue
            paths = value.get("paths")
            if paths is not None and not (isinstance(paths, list) and all(isinstance(p, str) for p in paths)):
                problems.append(where + ": %s.paths must be a list of strings" % section)
            if section == "cache" and value.get("policy", "pull-push") not in ("pull", "push", "pull-push"):
                problems.append(where + ": cache.policy must be pull, push or pull-push")
            reports = value.get("reports") if section == "artifacts" else None
            if reports is not None and not (isinstance(reports, dict) and isinstance(reports.get("dotenv", ""), str)):
                problems.append(where + ": artifacts.reports.dotenv must be a file name")
    shards = str((doc.get("variables") or {}).get("PGO_SHARDS", ""))
    parallel = [j.get("parallel") for j in jobs.values() if isinstance(j, dict) and "parallel" in j]
    if not parallel:
        problems.append("no job trains in parallel (parallel:)")
    elif any(str(p) != shards for p in parallel):
        problems.append("parallel %s differs from PGO_SHARDS %r" % (parallel, shards))
    return problems


def main():
    with open(sys.argv[1]) as f:
        try:
            doc = yaml.safe_load(f)
        except yaml.YAMLError as e:
            print("%s: not YAML: %s" % (sys.argv[1], e))
            return 1
    problems = check(doc)
    for p in problems:
        print("%s: %s" % (sys.argv[1], p))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
