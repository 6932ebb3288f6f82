"""The deploy tool's own body builders, run from its vendored source (test/fixtures/aspen).

Reads one JSON request per line on stdin and answers one JSON line each:
  {"op": "build", "stackPath": ".../deploy/<app>/<cluster>/docker-stack.yml", "stack": {parsed stack file},
   "tags": {"<image name>": ["2.9.1_abc", ...]}}
      -> {"body": {the deployment Aspen PUTs}} or {"refused": "<why Aspen stops before reporting>"}
  {"op": "examples"}
      -> {"examples": [{"name", "type": "deployment" | "error" | "recommendation", "body" | "refused"}]}: the
         bodies Aspen builds from its own test data (test/mock_test_data.py and test/registry_repo).

Aspen's pipeline steps run as its DeploymentPipeline orders them, from the parsed stack file up to
ReportSuccess.create_deployment_json; the steps that talk to the outside (registry, docker, vault, redis)
are left out, and the registry's tag list is given instead. What Aspen's modules import that is not
vendored (its logging base class, environment, redis, error cache, HTTP helper) is stubbed below.
"""

import json
import logging
import os
import random
import sys
import traceback
import types

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'fixtures', 'aspen')
sys.path.insert(0, ROOT)
logging.disable(logging.CRITICAL)


def install_stubs():
    import modules.steps
    import modules.util

    def stub(package, name, **attributes):
        module = types.ModuleType(f'{package.__name__}.{name}')
        module.__dict__.update(attributes)
        sys.modules[module.__name__] = module
        setattr(package, name, module)

    class BasePipelineStep:
        def __init__(self):
            self.log = logging.getLogger(type(self).__name__)

    stub(modules.steps, 'base_pipeline_step', BasePipelineStep=BasePipelineStep)
    stub(
        modules.util,
        'environment',
        SKIP_DEPLOYMENT='SKIP_DEPLOYMENT',
        FRONT_END_RULE_LABEL='FRONT_END_RULE_LABEL',
        SLACK_ERROR_POST_URL='SLACK_ERROR_POST_URL',
        SLACK_DEPLOYMENT_POST_URL='SLACK_DEPLOYMENT_POST_URL',
        SLACK_RECOMMENDATION_POST_URL='SLACK_RECOMMENDATION_POST_URL',
        get_env=lambda name: None,
        get_with_default_string=lambda name, default: default,
    )
    for name in ('error_cache', 'redis', 'requests', 'thread'):
        stub(modules.util, name)
    root_path = types.ModuleType('root_path')
    root_path.PROJECT_ROOT = ROOT
    sys.modules['root_path'] = root_path
    try:
        import yaml  # noqa: F401  (mock_test_data imports it; only its stack-file readers use it)
    except ImportError:
        sys.modules['yaml'] = types.ModuleType('yaml')


install_stubs()

from modules.steps.calculate_semantic_version import CalculateSemanticVersion  # noqa: E402
from modules.steps.image_has_semantic_version import ImageHasSemanticVersion  # noqa: E402
from modules.steps.init_service_pipeline_data import InitServicePipelineData  # noqa: E402
from modules.steps.parse_image_data import ParseImageData  # noqa: E402
from modules.steps.parse_replicas import ParseReplicas  # noqa: E402
from modules.steps.parse_stack_path import ParseStackPath  # noqa: E402
from modules.steps.report_success import ReportSuccess  # noqa: E402
from modules.steps.send_recommendations import SendRecommendations  # noqa: E402
from modules.steps.verify_frontend_rule import VerifyFrontendRule  # noqa: E402
from modules.steps.verify_pipeline_data import VerifyPipelineData  # noqa: E402
from modules.util import data_defs, exceptions, reporter_service  # noqa: E402
from test import mock_test_data  # noqa: E402


def build_deployment(stack_path, stack, tags):
    """The body ReportSuccess sends after a deploy of this stack file, or why Aspen stops before it."""
    pipeline_data = {data_defs.STACK_FILE_PATH: stack_path, data_defs.STACK_FILE_PARSED_CONTENT: stack}
    before_tags = [ParseStackPath, InitServicePipelineData, ParseImageData, VerifyPipelineData, VerifyFrontendRule,
                   ParseReplicas, ImageHasSemanticVersion]
    try:
        for step in before_tags:
            pipeline_data = step().run_step(pipeline_data)
        # GetImageTags asks the registry; here the tags come with the request.
        for service in pipeline_data[data_defs.SERVICES]:
            image = service[data_defs.S_IMAGE]
            if image[data_defs.IMG_IS_SEMVER]:
                image[data_defs.IMG_TAGS] = tags.get(image[data_defs.IMG_NAME], [])
        pipeline_data = CalculateSemanticVersion().run_step(pipeline_data)
        return {'body': ReportSuccess().create_deployment_json(pipeline_data)}
    except Exception as error:  # Aspen reports the error instead of the deployment
        return {'refused': f'{type(error).__name__}: {error}'}


def examples():
    found = []
    registry_tags = {'kth-azure-app': mock_test_data.get_tags_response()['tags']}

    # test_report_success.py's pipeline data (its REPLICAS is the string "replicas").
    found.append({'name': 'mock_test_data.get_pipeline_data', 'type': 'deployment',
                  'body': ReportSuccess().create_deployment_json(mock_test_data.get_pipeline_data())})

    with open(os.path.join(ROOT, 'registry-repo-parsed.json'), encoding='utf-8') as parsed_file:
        stack_files = json.load(parsed_file)
    for path, stack in stack_files.items():
        stack_path = f'/registry/deploy/{path.split("/")[2]}/{path.split("/")[3]}/docker-stack.yml'
        for variant in ('as written', 'global mode'):
            content = json.loads(json.dumps(stack))
            if variant == 'global mode':
                # test_parse_replicas.py's global-mode case: every service's deploy section is {mode: global}.
                for service in content['services'].values():
                    service['deploy'] = {'mode': 'global'}
            # A stack file Aspen stops on (bad-docker-stack.yml has a label YAML reads as a mapping) is
            # listed with the reason: Aspen reports an error for it, not a deployment.
            found.append({'name': f'{path} ({variant})', 'type': 'deployment',
                          **build_deployment(stack_path, content, registry_tags)})

    # test_util_reporter_service.py's error objects.
    labels = reporter_service.get_combined_service_labels(
        {data_defs.STACK_FILE_PARSED_CONTENT: mock_test_data.get_parsed_stack_content()})
    bad_labels = reporter_service.get_combined_service_labels(
        {data_defs.STACK_FILE_PARSED_CONTENT: stack_files['test/registry_repo/test_app_1/active/bad-docker-stack.yml']})
    expected_error = mock_test_data.get_mock_deployment_error()
    found.append({'name': 'expected error', 'type': 'error',
                  'body': reporter_service.create_error_object(expected_error, labels, False)})
    found.append({'name': 'expected error, reported again', 'type': 'error',
                  'body': reporter_service.create_error_object(expected_error, bad_labels, True)})
    named = mock_test_data.get_mock_deployment_error()
    named.pipeline_data = {data_defs.APPLICATION_CLUSTER: 'stage', data_defs.APPLICATION_NAME: 'kth-azure-app'}
    found.append({'name': 'expected error naming app and cluster', 'type': 'error',
                  'body': reporter_service.create_error_object(named, labels, False)})
    try:
        raise mock_test_data.get_mock_deployment_error(expected=False)
    except exceptions.DeploymentError as unexpected:
        found.append({'name': 'unexpected error with its stack trace', 'type': 'error',
                      'body': reporter_service.create_error_object(unexpected, labels, False)})
        found.append({'name': 'fatal error', 'type': 'error',
                      'body': reporter_service.create_error_object(unexpected, None, False)})
    no_channels = reporter_service.get_combined_service_labels({})
    found.append({'name': 'expected error without channel labels', 'type': 'error',
                  'body': reporter_service.create_error_object(expected_error, no_channels, False)})

    # send_recommendations.py's label recommendations, with and without channel labels.
    step = SendRecommendations()
    random.seed(25)
    for channels in (reporter_service.get_slack_channels(labels), reporter_service.get_slack_channels(no_channels)):
        text = step.create_recommendation_text('se.kth.importance', 'Övervakningsvikt. Värden: low, medium eller high.')
        found.append({'name': f'recommendation to {channels}', 'type': 'recommendation',
                      'body': reporter_service.create_recommedation_object('kth-azure-app', text, channels)})
    return found


def answer(request):
    if request['op'] == 'build':
        return build_deployment(request['stackPath'], request['stack'], request.get('tags', {}))
    if request['op'] == 'examples':
        return {'examples': examples()}
    raise ValueError(f'unknown op {request["op"]}')


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            reply = answer(json.loads(line))
        except Exception:  # a driver fault, not Aspen's: the test shows it
            reply = {'fault': traceback.format_exc()}
        sys.stdout.write(json.dumps(reply) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
