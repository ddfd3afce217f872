"""Validates an OpenAPI document and checks examples against its component schemas.

Usage: openapi_check.py DOC.json EXAMPLES.json
EXAMPLES.json: a list of {"schema": "<component name>", "example": <value>, "valid": true|false}.
Prints one line per problem and exits 1 if there is any.
"""
import json
import sys

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        document = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        examples = json.load(f)
    problems = []
    try:
        validate(document)
    except Exception as e:  # the validator's own error, with its path
        problems.append(f"document: {e}")
    for item in examples:
        name = item["schema"]
        # The component, resolved against the whole document so that its $refs work.
        schema = dict(document)
        schema["$ref"] = f"#/components/schemas/{name}"
        validator = Draft202012Validator(schema)
        errors = sorted(validator.iter_errors(item["example"]), key=str)
        want_valid = item.get("valid", True)
        if want_valid and errors:
            for error in errors:
                problems.append(f"{item.get('source', name)}: {error.message} at {list(error.absolute_path)}")
        if not want_valid and not errors:
            problems.append(f"{item.get('source', name)}: accepted, but should be refused")
    for p in problems:
        print(p)
    print(f"checked the document and {len(examples)} examples: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
