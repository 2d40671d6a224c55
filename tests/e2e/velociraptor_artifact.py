#!/usr/bin/env python3
"""The Velociraptor artifact in contrib/velociraptor/ follows the artifact format and calls
wmihunt only with options wmihunt has.

usage: velociraptor_artifact.py ARTIFACT.yaml WMIHUNT

Velociraptor itself is not run: this checks the YAML against the artifact format of
Velociraptor's documentation (docs.velociraptor.app, "Artifacts" and "Extending VQL"):
the required keys, a CLIENT artifact, each declared tool with a url or served by the
server and fetched with Artifact.Generic.Utils.FetchBinary, each parameter used in the
query, the query's brackets balanced, and every option it passes to wmihunt listed by
`wmihunt --help`.
"""
import os
import re
import subprocess
import sys

import yaml

from checks import expect, failures

TOP_KEYS = {"name", "description", "author", "reference", "type", "precondition", "parameters",
            "sources", "tools", "implied_permissions", "required_permissions", "export",
            "imports", "column_types", "reports", "resources", "aliases"}
PARAMETER_TYPES = {"string", "int", "int64", "bool", "regex", "regex_array", "textarea",
                   "timestamp", "hidden", "choices", "multichoice", "csv", "json",
                   "json_array", "upload", "upload_file", "yara", "float", "artifactset",
                   "server_metadata", "redacted"}
STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')


def code_of(query):
    """The query without its string literals and -- or // comments."""
    lines = []
    for line in query.splitlines():
        line = STRING.sub('""', line)
        lines.append(re.split(r"--|//", line, maxsplit=1)[0])
    return "\n".join(lines)


def balanced(code):
    pairs, stack = {")": "(", "]": "[", "}": "{"}, []
    for ch in code:
        if ch in "([{":
            stack.append(ch)
        elif ch in pairs:
            if not stack or stack.pop() != pairs[ch]:
                return False
    return not stack


def main():
    path, wmihunt = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    expect("no tab characters (YAML indents with spaces)", "\t" not in text)
    artifact = yaml.safe_load(text)
    expect("a YAML mapping", isinstance(artifact, dict))

    expect("only the artifact format's top-level keys", set(artifact) <= TOP_KEYS,
           sorted(set(artifact) - TOP_KEYS))
    name = artifact.get("name", "")
    expect(f"name {name!r} is a dotted Custom. name, the file's name",
           re.fullmatch(r"Custom(\.[A-Za-z0-9]+)+", name or "") is not None
           and os.path.basename(path) == f"{name}.yaml")
    expect("description is set", isinstance(artifact.get("description"), str)
           and artifact["description"].strip() != "")
    expect("type is CLIENT", artifact.get("type") == "CLIENT")
    expect("precondition selects Windows", "windows" in str(artifact.get("precondition", "")))

    parameters = artifact.get("parameters") or []
    expect("parameters are named mappings", parameters != [] and all(
        isinstance(p, dict) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(p.get("name", "")))
        for p in parameters))
    for p in parameters:
        kind = p.get("type", "string")
        expect(f"parameter {p.get('name')}: type {kind} exists", kind in PARAMETER_TYPES)
        if kind == "bool" and "default" in p:
            expect(f"parameter {p['name']}: bool default is Y or N", p["default"] in ("Y", "N"))

    sources = artifact.get("sources") or []
    expect("sources each hold a query", sources != [] and all(
        isinstance(s, dict) and isinstance(s.get("query"), str) and s["query"].strip()
        for s in sources))
    query = "\n".join(s.get("query", "") for s in sources if isinstance(s, dict))
    code = code_of(query)
    expect("the query's (), [] and {} are balanced", balanced(code))

    tools = artifact.get("tools") or []
    expect("a tool is declared", tools != [])
    for tool in tools:
        tool_name = tool.get("name", "")
        expect(f"tool {tool_name!r} has a url or is served by the server",
               bool(tool.get("url")) or tool.get("serve_locally") is True)
        fetched = re.search(r"Artifact\.Generic\.Utils\.FetchBinary\s*\([^)]*ToolName\s*=\s*"
                            + re.escape(f'"{tool_name}"'), query)
        expect(f"tool {tool_name!r} is fetched with Artifact.Generic.Utils.FetchBinary", fetched)
    expect("wmihunt runs through execve()", re.search(r"\bexecve\s*\(\s*argv\s*=", code))

    for p in parameters:
        expect(f"parameter {p.get('name')} is used in the query",
               re.search(rf"\b{re.escape(str(p.get('name')))}\b", code) is not None)

    # Every option the query passes: the string literals that begin with - or --.
    help_text = subprocess.run([wmihunt, "--help"], capture_output=True, text=True, check=True).stdout
    offered = set(re.findall(r"(?<![\w-])(--?[A-Za-z][A-Za-z0-9-]*)", help_text))
    passed = set()
    for literal in STRING.findall(query):
        option = re.match(r"(--?[A-Za-z][A-Za-z0-9-]*)", literal[1:-1])
        if option:
            passed.add(option.group(1))
    expect(f"the query passes wmihunt options ({' '.join(sorted(passed))})", len(passed) >= 4)
    for option in sorted(passed):
        expect(f"wmihunt --help lists {option}", option in offered)
    format_value = re.search(r'"--format"\s*,\s*"([a-z]+)"', query)
    expect("--format's value is a format --help names",
           format_value is not None and re.search(rf"\b{format_value.group(1)}\b", help_text))

    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
