"""The API schema a field-app developer builds from: every operation's error answers with their codes, examples
that the serializers accept and produce, and a description for every field and enum."""

import json

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from core.api_docs import CODE_MEANINGS


@pytest.fixture(scope="module")
def schema():
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def _component(schema, ref):
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_it_documents_the_payments_refusals_with_their_codes(schema):
    answers = schema["paths"]["/api/v1/payments/"]["post"]["responses"]

    assert set(answers) >= {"201", "400", "401", "403", "404", "409"}
    assert answers["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/FieldErrors")
    for status in ("401", "403", "404"):
        assert answers[status]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    refusal = _component(schema, answers["409"]["content"]["application/json"]["schema"]["$ref"])
    assert set(refusal["required"]) == {"code", "detail"} and "field" in refusal["properties"]
    codes = _component(schema, refusal["properties"]["code"]["allOf"][0]["$ref"]
                       if "allOf" in refusal["properties"]["code"] else refusal["properties"]["code"]["$ref"])["enum"]
    assert {"duplicate_receipt", "amount_too_large", "invalid_drive_stop", "idempotency_conflict"} <= set(codes)
    # An amount of zero or less is a 400 on the field now, never a 409.
    assert "invalid_amount" not in codes
    assert "`duplicate_receipt`: " + CODE_MEANINGS["duplicate_receipt"] in answers["409"]["description"]
    assert "`receipt_reserved`: " + CODE_MEANINGS["receipt_reserved"] in answers["409"]["description"]


def test_it_documents_section_56_refusals_on_the_outcome(schema):
    answer = schema["paths"]["/api/v1/drives/{id}/stops/{stop_id}/outcome/"]["post"]["responses"]["409"]
    for code in ("notice_required", "dispute_pending", "protected_consumer", "settled"):
        assert f"`{code}`" in answer["description"]


# Not a user's call: the token is how a user logs in; the delivery receipts are signed by the gateway, a bad
# signature a 403 (tests/notify/test_messages.py), and there is no record of a division to be out of.
NOT_A_USERS = {"POST /api/v1/auth/token/", "POST /api/v1/messages/receipts/"}


def test_every_operation_documents_its_error_answers(schema):
    for name, operation in _operations(schema):
        answers = set(operation["responses"])
        if name not in NOT_A_USERS:
            assert "401" in answers, name
        if name.startswith("POST"):
            assert "400" in answers, name
        if name.startswith("POST") and name not in NOT_A_USERS:
            assert {"403", "404", "409"} <= answers, name
        if name == "POST /api/v1/messages/receipts/":
            assert {"403", "409"} <= answers, name
        for status, answer in operation["responses"].items():
            if status >= "400":
                assert answer["description"], (name, status)


def test_every_code_documented_has_a_meaning(schema):
    for name, component in schema["components"]["schemas"].items():
        if name.endswith("RefusalCodeEnum"):
            for code in component["enum"]:
                assert code in CODE_MEANINGS, (name, code)


def test_every_field_and_enum_has_a_description(schema):
    missing = []
    for name, component in schema["components"]["schemas"].items():
        if "enum" in component and not component.get("description"):
            missing.append(name)
        for field, spec in component.get("properties", {}).items():
            if not spec.get("description"):
                missing.append(f"{name}.{field}")
    assert missing == []


def _nullable_to_json_schema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema's null type, so jsonschema can check an example."""
    if isinstance(node, dict):
        node = {key: _nullable_to_json_schema(value) for key, value in node.items()}
        if node.pop("nullable", False):
            node = {"anyOf": [node, {"type": "null"}]}
        return node
    if isinstance(node, list):
        return [_nullable_to_json_schema(item) for item in node]
    return node


def _examples(schema):
    for name, operation in _operations(schema):
        for content in operation.get("requestBody", {}).get("content", {}).values():
            for example in content.get("examples", {}).values():
                yield name, "request", content["schema"], example["value"]
        for status, answer in operation["responses"].items():
            for content in answer.get("content", {}).values():
                for example in content.get("examples", {}).values():
                    yield name, status, content["schema"], example["value"]


def test_every_example_matches_its_schema(schema):
    components = _nullable_to_json_schema(schema["components"])
    checked = 0
    for name, where, body_schema, value in _examples(schema):
        document = {**_nullable_to_json_schema(body_schema), "components": components}
        jsonschema.validate(value, document)
        if "$ref" in body_schema and where != "request":
            # Outputs: every field the serializer gives (but those it leaves out when empty), no other.
            component = _component(schema, body_schema["$ref"])
            if "results" in component.get("properties", {}):
                item = component["properties"]["results"]["items"]
                component, value = _component(schema, item["$ref"]), value["results"][0]
            if component.get("properties") and not component.get("additionalProperties"):
                optional = set(component["properties"]) - set(component.get("required", component["properties"]))
                assert set(component["properties"]) - optional <= set(value) <= set(component["properties"]), (
                    name, where)
        checked += 1
    assert checked >= 40


def test_examples_are_realistic(schema):
    text = json.dumps([value for *_rest, value in _examples(schema)], ensure_ascii=False)
    assert "example.org" not in text and "string" not in text.replace("substring", "")
    assert '"4512.50"' in text and '"01234567"' in text


@pytest.mark.parametrize(("serializer", "example"), [
    ("payments.api.PaymentInput", "payments.api.PAYMENT_REQUEST"),
    ("payments.api.ReceiptBlockInput", "payments.api.RECEIPT_BLOCK_REQUEST"),
    ("drives.api.notices.NoticeInput", "drives.api.notices.NOTICE_REQUEST"),
    ("drives.api.drives.DriveInput", "drives.api.drives.DRIVE_REQUEST"),
    ("drives.api.disputes.DisputeInput", "drives.api.disputes.DISPUTE_REQUEST"),
    ("drives.api.disputes.DisputeDepositInput", "drives.api.disputes.DEPOSIT_REQUEST"),
    ("settlements.api.settlements.SettlementInput", "settlements.api.settlements.REGISTER_REQUEST"),
    ("settlements.api.promises.PromiseInput", "settlements.api.promises.PROMISE_REQUEST"),
])
def test_the_request_examples_pass_their_serializers(serializer, example):
    from django.utils.module_loading import import_string

    data = import_string(serializer)(data=import_string(example))
    assert data.is_valid(), data.errors
