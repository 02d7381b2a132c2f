#!/usr/bin/env python3
"""Runs parliament on every permission policy and queue policy of iamgen's JSON export (stdin).

Exits 1 on any finding not listed in suppressions.json (beside this file), printing it; prints how
many policies and findings it saw.
"""
import json
import pathlib
import sys

from parliament import analyze_policy_string

SUPPRESSIONS = json.loads((pathlib.Path(__file__).parent / "suppressions.json").read_text())["parliament"]


def suppressed(finding, document):
    for s in SUPPRESSIONS:
        if finding.issue != s["issue"]:
            continue
        if "detail" in s:
            # A finding about the policy as a whole (an unknown service prefix): matched by its text.
            if str(finding.detail) == s["detail"]:
                return s
            continue
        actions = {d["action"] for d in finding.detail} if isinstance(finding.detail, list) else set()
        if not actions or not actions <= set(s["actions"]):
            continue
        resources = [r for st in document["Statement"] if set(st["Action"]) & actions for r in st["Resource"]]
        if resources and all(s["resource_contains"] in r for r in resources):
            return s
    return None


def main():
    export = json.load(sys.stdin)
    policies = findings = accepted = 0
    for role in export["roles"]:
        for policy in role["policies"]:
            policies += 1
            analysis = analyze_policy_string(json.dumps(policy["document"]), include_community_auditors=False)
            for f in analysis.findings:
                if suppressed(f, policy["document"]):
                    accepted += 1
                    continue
                findings += 1
                print(f"parliament: {role['role_name']} / {policy['name']}: {f.issue} ({f.severity}) {f.detail}")
    # The queue policies of the platform's wiring (resource policies: a service principal, the
    # queue, the sender's aws:SourceArn).
    for policy in export.get("resource_policies", []):
        policies += 1
        analysis = analyze_policy_string(json.dumps(policy["policy"]), include_community_auditors=False)
        for f in analysis.findings:
            if suppressed(f, policy["policy"]):
                accepted += 1
                continue
            findings += 1
            print(f"parliament: {policy['resource_type']} {policy['arn']}: {f.issue} ({f.severity}) {f.detail}")
    print(f"parliament: {policies} policies, {findings} findings, {accepted} suppressed as reviewed false positives")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
