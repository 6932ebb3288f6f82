"""The original Alvares's enrichment, run from its vendored source (test/fixtures/original-alvares).

Reads one JSON request per line on stdin and answers one JSON line each:
  {"op": "env", "env": {"ACTIVE_APP_HOST": ...}}  -> {"ok": true}   (the original reads os.environ per call)
  {"op": "enrich", "body": {deployment}}            -> {"fields": {name: getter result}, "raised": {name: error}}
        or {"enrichRaised": "<error>"} when deployment_enricher.enrich itself raised (Flask answered 500)
  {"op": "quote", "text": "..."}                    -> {"quoted": urllib.parse.quote(text)}

The fields are what the original's subscribers read: deployment_enricher.enrich(body), then the getters of
deployment_util (and slack_util.create_link_to_logs for the log-search link). Two imports are stubbed:
`requests` (slack_util imports it for posting, which never happens here) and, through it, the
`urllib.parse` that slack_util reaches as `urllib.parse` after only `import urllib`.
"""

import json
import logging
import os
import sys
import traceback
import types
import urllib.parse

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'fixtures', 'original-alvares')
sys.path.insert(0, ROOT)
logging.disable(logging.CRITICAL)


class _RequestError(Exception):
    pass


requests_stub = types.ModuleType('requests')
requests_stub.HTTPError = requests_stub.ConnectTimeout = requests_stub.RequestException = _RequestError
sys.modules['requests'] = requests_stub

from modules import deployment_enricher, deployment_util  # noqa: E402
from modules.subscribers.slack import slack_util  # noqa: E402

GETTERS = {
    'applicationName': deployment_util.get_application_name,
    'cluster': deployment_util.get_cluster,
    'replicas': deployment_util.get_replicas,
    'removal': deployment_util.has_zero_replicas,
    'version': deployment_util.get_application_version,
    'imageName': deployment_util.get_image_name,
    'applicationPath': deployment_util.get_application_path,
    'slackChannels': deployment_util.get_slack_channels,
    'team': deployment_util.get_team,
    'publicNameSwedish': deployment_util.get_public_name_swedish,
    'publicNameEnglish': deployment_util.get_public_name_english,
    'friendlyName': deployment_util.get_friendly_name,
    'importance': deployment_util.get_importance,
    'detectifyProfileTokens': deployment_util.get_detectify_tokens,
    'applicationUrl': deployment_util.get_application_url,
    'monitorUrl': deployment_util.get_monitor_url,
    'aboutUrl': deployment_util.get_about_url,
    'monitorPattern': deployment_util.get_monitor_pattern,
    'testAccessibility': deployment_util.get_test_accessibility,
    'accessibilityUrls': deployment_util.get_accessibility_urls,
    'publicUserDocumentationUrl': deployment_util.get_public_user_documentation_url,
    'privateOperationsDocumentationUrl': deployment_util.get_private_operations_documentation_url,
    'logSearchUrl': slack_util.create_link_to_logs,
}


def enrich(body):
    try:
        deployment = deployment_enricher.enrich(body)
    except Exception as error:
        return {'enrichRaised': f'{type(error).__name__}: {error}'}
    fields, raised = {}, {}
    for name, getter in GETTERS.items():
        try:
            fields[name] = getter(deployment)
        except Exception as error:
            raised[name] = f'{type(error).__name__}: {error}'
    return {'fields': fields, 'raised': raised}


def answer(request):
    if request['op'] == 'env':
        for name, value in request['env'].items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        return {'ok': True}
    if request['op'] == 'enrich':
        return enrich(request['body'])
    if request['op'] == 'quote':
        return {'quoted': urllib.parse.quote(request['text'])}
    raise ValueError(f'unknown op {request["op"]}')


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            reply = answer(json.loads(line))
        except Exception:  # a driver fault, not the original's: the test shows it
            reply = {'fault': traceback.format_exc()}
        sys.stdout.write(json.dumps(reply) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
