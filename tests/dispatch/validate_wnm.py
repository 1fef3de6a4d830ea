#!/usr/bin/env python3
"""Validates WIS2 Notification Messages against the official WNM JSON Schema (2020-12) with
Debian's python3-jsonschema, formats included (uuid, date-time), and the size limit of
/req/core/message_size. Usage: validate_wnm.py [--check-content] SCHEMA FILE...

--check-content also checks that an inline properties.content decodes to `size` bytes whose
sha512 is properties.integrity (an independent check of capcast's encoding and hashing; the
official examples carry placeholder hashes, so it is off by default).

Prints one line per file, "valid FILE" or "invalid FILE: reason", and exits 0 only when every
file is valid (2 on a usage or schema error), so that wis2_test.cpp checks each verdict."""

import base64
import hashlib
import json
import re
import sys

import jsonschema

# RFC 3339 §5.6 date-time. jsonschema checks "date-time" only when an optional package is
# installed, so the check is registered here to make it always run.
RFC3339 = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)"
    r"(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$")
MAX_BYTES = 8192  # WNM /req/core/message_size


def content_problems(doc):
    props = doc.get("properties", {})
    content = props.get("content")
    if not isinstance(content, dict):
        return []
    value = content.get("value", "")
    if content.get("encoding") == "utf-8":
        raw = value.encode("utf-8")
    elif content.get("encoding") == "base64":
        raw = base64.b64decode(value, validate=True)
    else:
        return [f"content encoding {content.get('encoding')!r} not checked"]
    problems = []
    if len(raw) != content.get("size"):
        problems.append(f"content decodes to {len(raw)} bytes, size says {content.get('size')}")
    integrity = props.get("integrity", {})
    if integrity.get("method") != "sha512" or \
            base64.b64encode(hashlib.sha512(raw).digest()).decode() != integrity.get("value"):
        problems.append("integrity is not the sha512 of the content")
    return problems


def main(argv):
    check_content = len(argv) > 1 and argv[1] == "--check-content"
    if check_content:
        argv = argv[:1] + argv[2:]
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    checker = jsonschema.FormatChecker()
    checker.checks("date-time")(lambda s: not isinstance(s, str) or bool(RFC3339.match(s)))
    validator = cls(schema, format_checker=checker)
    all_valid = True
    for path in argv[2:]:
        with open(path, "rb") as f:
            raw = f.read()
        problems = []
        if len(raw) > MAX_BYTES:
            problems.append(f"{len(raw)} bytes, over {MAX_BYTES}")
        try:
            doc = json.loads(raw)
            problems += [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                         for e in validator.iter_errors(doc)]
            if check_content and isinstance(doc, dict):
                problems += content_problems(doc)
        except ValueError as e:
            problems.append(f"not JSON: {e}")
        if problems:
            all_valid = False
            print(f"invalid {path}: {'; '.join(problems)}")
        else:
            print(f"valid {path}")
    return 0 if all_valid else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
