#!/usr/bin/env python3
"""Offline, strict validation of rendered Kubernetes manifests (deploy/k8s; see
docs/k8s-validation-research.md for why this pipeline and what it cannot see).
Usage: validate_k8s.py [--k8s-version 1.37.0] [--crd DIR_OR_FILE]... FILE|- ...
* built-in kinds: kubernetes_validate (PyPI) bundled "-local-strict" JSON schemas (unknown fields rejected, incl. metadata).
* custom resources: openAPIV3Schema of the given CRD YAML files, made strict, plus ObjectMeta checked against
  the Kubernetes schema, plus CEL x-kubernetes-validations if `common-expression-language` is installed.
* anything else (unknown apiVersion/kind, removed API versions) is an ERROR.
"""
import argparse, copy, json, os, sys, glob
import yaml
import jsonschema
import kubernetes_validate
from kubernetes_validate import utils as kvu
try:
    import cel  # PyPI: common-expression-language (optional)
except ImportError:
    cel = None


def strictify(node):
    if isinstance(node, dict):
        if node.get("nullable") is True and "type" in node:  # OpenAPI v3 -> JSON Schema
            t = node["type"]
            node["type"] = [t, "null"] if isinstance(t, str) else t
        if ("properties" in node and "additionalProperties" not in node
                and not node.get("x-kubernetes-preserve-unknown-fields")):
            node["additionalProperties"] = False
        for v in node.values():
            strictify(v)
    elif isinstance(node, list):
        for v in node:
            strictify(v)
    return node


def cel_errors(schema, value, path="spec"):
    """Evaluate CRD x-kubernetes-validations (CEL) rules; transition rules (oldSelf) are skipped."""
    out = []
    if not isinstance(schema, dict) or value is None:
        return out
    for r in schema.get("x-kubernetes-validations", []):
        if "oldSelf" in r["rule"]:
            continue
        try:
            ok = cel.evaluate(r["rule"], {"self": value})
        except Exception as e:  # k8s-specific CEL libraries (quantity(), isURL(), ...) are not available
            out.append(f"{path}: cannot evaluate CEL rule {r['rule']!r}: {e}")
            continue
        if ok is not True:
            out.append(f"{path}: {r.get('message') or r['rule']}")
    if isinstance(value, dict):
        for k, v in value.items():
            sub = schema.get("properties", {}).get(k)
            if sub is None and isinstance(schema.get("additionalProperties"), dict):
                sub = schema["additionalProperties"]
            out += cel_errors(sub, v, f"{path}.{k}")
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, v in enumerate(value):
            out += cel_errors(schema["items"], v, f"{path}[{i}]")
    return out


def load_crds(paths):
    schemas, files = {}, []
    for p in paths:
        files += sorted(glob.glob(os.path.join(p, "*.y*ml"))) if os.path.isdir(p) else [p]
    for f in files:
        with open(f) as fh:
            for doc in yaml.safe_load_all(fh):
                if not doc or doc.get("kind") != "CustomResourceDefinition":
                    continue
                spec = doc["spec"]
                for v in spec.get("versions", []):
                    s = (v.get("schema") or {}).get("openAPIV3Schema")
                    if s is None:
                        continue
                    s = strictify(copy.deepcopy(s))
                    s.setdefault("properties", {})["metadata"] = {}  # ObjectMeta checked separately
                    key = (f'{spec["group"]}/{v["name"]}', spec["names"]["kind"])
                    schemas[key] = (jsonschema.Draft7Validator(s), v.get("served", True), f)
    return schemas


def object_meta_validator(k8s_version):
    d = os.path.join(os.path.dirname(kubernetes_validate.__file__), "kubernetes-json-schema")
    mm = kvu.major_minor(k8s_version)
    ver = [v for v in kvu.all_versions() if kvu.major_minor(v) <= mm][-1]
    with open(os.path.join(d, f"v{ver}-local-strict", "_definitions.json")) as fh:
        defs = json.load(fh)
    meta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    return jsonschema.Draft202012Validator({"$ref": f"#/$defs/{meta}", "$defs": defs["$defs"]})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--k8s-version", default="1.37.0")
    ap.add_argument("--crd", action="append", default=[])
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    crds = load_crds(a.crd)
    meta_v = object_meta_validator(a.k8s_version)
    errors = checked = 0
    for f in a.files:
        text = sys.stdin.read() if f == "-" else open(f).read()
        for obj in yaml.safe_load_all(text):
            if not obj:
                continue
            checked += 1
            name = f'{f}: {obj.get("apiVersion")} {obj.get("kind")} {obj.get("metadata", {}).get("name")}'
            errs = []
            key = (obj.get("apiVersion"), obj.get("kind"))
            if key in crds:
                v, served, src = crds[key]
                if not served:
                    errs.append(f"version not served by CRD {src}")
                errs += [f'{"/".join(map(str, e.absolute_path))}: {e.message}' for e in v.iter_errors(obj)]
                errs += [f'metadata/{"/".join(map(str, e.absolute_path))}: {e.message}'
                         for e in meta_v.iter_errors(obj.get("metadata", {}))]
                if cel is not None and not errs:
                    errs += cel_errors(v.schema.get("properties", {}).get("spec"), obj.get("spec"))
            else:
                try:
                    kubernetes_validate.validate(obj, a.k8s_version, strict=True)
                except kvu.ValidationError as e:
                    errs.append(f'{".".join(map(str, e.path))}: {e.message}')
                except kvu.SchemaNotFoundError:
                    errs.append("no schema (unknown kind/apiVersion, removed API, or CRD schema not supplied)")
            if errs:
                errors += 1
                for e in errs:
                    print(f"ERROR {name}: {e}")
            else:
                print(f"OK    {name}")
    print(f"{checked - errors} passed, {errors} failed")
    return 1 if errors or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
