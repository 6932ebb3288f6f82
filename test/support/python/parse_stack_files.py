"""Writes test/fixtures/aspen/registry-repo-parsed.json: Aspen's test stack files parsed as Aspen's
ParseStackFile step parses them (PyYAML, yaml.Loader), so the tests can run Aspen's later steps on them
without PyYAML. Run by hand after refreshing the vendored files: python3 test/support/python/parse_stack_files.py
"""

import glob
import json
import os

import yaml

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'fixtures', 'aspen')


def main():
    parsed = {}
    for path in sorted(glob.glob(os.path.join(ROOT, 'test', 'registry_repo', '**', '*.yml'), recursive=True)):
        with open(path, encoding='utf-8') as stack_file:
            parsed[os.path.relpath(path, ROOT)] = yaml.load(stack_file.read(), Loader=yaml.Loader)
    with open(os.path.join(ROOT, 'registry-repo-parsed.json'), 'w', encoding='utf-8') as out:
        json.dump(parsed, out, indent=2, ensure_ascii=False)
        out.write('\n')


if __name__ == '__main__':
    main()
