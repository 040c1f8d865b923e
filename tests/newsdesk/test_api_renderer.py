"""The API's JSON renderer: orjson's speed, DRF's exact bytes."""

import datetime as dt
import decimal
import uuid

import pytest
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from newsdesk.api.renderers import FastJSONRenderer

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=30,
)


def drf(data, media_type="application/json"):
    return JSONRenderer().render(data, media_type, {})


def fast(data, media_type="application/json"):
    return FastJSONRenderer().render(data, media_type, {})


@given(JSON_VALUES)
def test_the_bytes_are_drfs_for_any_json_document(data):
    assert fast(data) == drf(data)


@pytest.mark.parametrize(
    "text",
    [
        "line\u2028separator",
        "paragraph\u2029separator",
        "both \u2028\u2029",
        'quotes " and \\ and </script>',
        "é 中 😀",
    ],
)
def test_javascript_line_terminators_are_escaped_like_drf(text):
    rendered = fast({"title": text})
    assert rendered == drf({"title": text})
    assert "\u2028".encode() not in rendered and "\u2029".encode() not in rendered


def test_what_orjson_does_not_know_goes_through_drfs_encoder():
    data = {
        "message": gettext_lazy("This field is required."),
        "price": decimal.Decimal("1.50"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "when": dt.timedelta(seconds=90),
        "results": ReturnList([ReturnDict({"slug": "a"}, serializer=None)], serializer=None),
    }
    assert fast(data) == drf(data)


def test_what_orjson_refuses_is_rendered_by_drf():
    huge = {"count": 2**70}
    assert fast(huge) == drf(huge) == b'{"count":1180591620717411303424}'


def test_indented_output_on_request_and_nothing_for_no_data():
    assert fast({"a": [1]}, "application/json; indent=2") == drf({"a": [1]}, "application/json; indent=2")
    assert b"\n" in fast({"a": [1]}, "application/json; indent=2")
    assert fast(None) == b""


def test_the_api_serves_with_it(client, db):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert type(response.accepted_renderer) is FastJSONRenderer
